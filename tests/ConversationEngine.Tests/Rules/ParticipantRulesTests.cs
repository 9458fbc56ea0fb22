using System.Globalization;
using ConversationEngine.Conversations;
using ConversationEngine.Rules;

namespace ConversationEngine.Tests.Rules;

public sealed class ParticipantRulesTests
{
    private const string Customer = "+15551230001";
    private const string Proxy = "+15005550006";
    private static readonly ParticipantSnapshot[] None = [];

    [Fact]
    public void Chat_participant_is_admitted_without_a_binding()
    {
        Assert.Null(ParticipantRules.Admit(new AddParticipant { Identity = "alice" }, None));
    }

    [Fact]
    public void Sms_participant_gets_a_normalised_binding()
    {
        var binding = ParticipantRules.Admit(new AddParticipant { Address = "+1 (555) 123-0001", ProxyAddress = "+1 500 555 0006" }, None);

        Assert.Equal(new MessagingBinding { Type = ChannelTypes.Sms, Address = Customer, ProxyAddress = Proxy }, binding);
    }

    [Fact]
    public void Whatsapp_participant_gets_a_whatsapp_binding()
    {
        var binding = ParticipantRules.Admit(new AddParticipant { Address = "whatsapp:+44 7700 900123", ProxyAddress = "whatsapp:+15005550006" }, None);

        Assert.Equal(new MessagingBinding { Type = ChannelTypes.WhatsApp, Address = "whatsapp:+447700900123", ProxyAddress = "whatsapp:+15005550006" }, binding);
    }

    [Fact]
    public void Sms_participant_may_use_a_short_code_as_proxy()
    {
        var binding = ParticipantRules.Admit(new AddParticipant { Address = Customer, ProxyAddress = "24680" }, None);

        Assert.Equal("24680", binding!.ProxyAddress);
    }

    [Fact]
    public void Sms_participant_without_proxy_is_an_address_only_group_participant()
    {
        var binding = ParticipantRules.Admit(new AddParticipant { Address = Customer }, None);

        Assert.Equal(new MessagingBinding { Type = ChannelTypes.Sms, Address = Customer }, binding);
    }

    [Fact]
    public void Chat_participant_may_have_a_projected_address()
    {
        var binding = ParticipantRules.Admit(new AddParticipant { Identity = "agent", ProjectedAddress = "+1 500 555 0006" }, None);

        Assert.Equal(new MessagingBinding { Type = ChannelTypes.Sms, ProjectedAddress = Proxy }, binding);
    }

    [Fact]
    public void Second_participant_with_the_same_identity_is_refused_with_50433()
    {
        var existing = new[] { Chat("alice") };

        var error = Assert.Throws<EngineException>(() => ParticipantRules.Admit(new AddParticipant { Identity = "alice" }, existing));

        Assert.Equal(Errors.IdentityInUse, error.Code);
        Assert.Equal(ErrorKind.Conflict, error.Kind);
    }

    [Fact]
    public void Identities_are_case_sensitive()
    {
        Assert.Null(ParticipantRules.Admit(new AddParticipant { Identity = "Alice" }, [Chat("alice")]));
    }

    [Fact]
    public void Same_binding_twice_in_one_conversation_is_refused_with_50437()
    {
        var existing = new[] { Sms(Customer, Proxy) };

        var error = Assert.Throws<EngineException>(() =>
            ParticipantRules.Admit(new AddParticipant { Address = "+1 555 123 0001", ProxyAddress = "+15005550006" }, existing));

        Assert.Equal(Errors.GroupParticipantExists, error.Code);
        Assert.Equal(ErrorKind.Conflict, error.Kind);
    }

    [Fact]
    public void Same_address_behind_another_proxy_is_admitted()
    {
        var binding = ParticipantRules.Admit(new AddParticipant { Address = Customer, ProxyAddress = "+15005550007" }, [Sms(Customer, Proxy)]);

        Assert.Equal("+15005550007", binding!.ProxyAddress);
    }

    [Fact]
    public void Same_address_only_group_participant_twice_is_refused_with_50437()
    {
        var error = Assert.Throws<EngineException>(() =>
            ParticipantRules.Admit(new AddParticipant { Address = Customer }, [Sms(Customer, proxy: null)]));

        Assert.Equal(Errors.GroupParticipantExists, error.Code);
    }

    [Fact]
    public void Same_projected_address_twice_is_refused_with_50437()
    {
        var existing = new[] { Chat("agent-1", projected: Proxy) };

        var error = Assert.Throws<EngineException>(() =>
            ParticipantRules.Admit(new AddParticipant { Identity = "agent-2", ProjectedAddress = Proxy }, existing));

        Assert.Equal(Errors.GroupParticipantExists, error.Code);
    }

    [Theory]
    [InlineData("+15551230001", "+15551230001")]
    [InlineData("+1 555 123 0001", "+15551230001")]
    [InlineData("whatsapp:+15551230001", "whatsapp:+1 (555) 123-0001")]
    public void Address_equal_to_proxy_is_refused_with_50409(string address, string proxy)
    {
        var error = Assert.Throws<EngineException>(() => ParticipantRules.Admit(new AddParticipant { Address = address, ProxyAddress = proxy }, None));

        Assert.Equal(Errors.AddressEqualsProxy, error.Code);
        Assert.Equal(ErrorKind.Invalid, error.Kind);
    }

    [Theory]
    [InlineData("whatsapp:+15551230001", "+15005550006")]
    [InlineData("+15551230001", "whatsapp:+15005550006")]
    [InlineData("messenger:1234567", "+15005550006")]
    [InlineData("whatsapp:+15551230001", "messenger:7654321")]
    public void Address_and_proxy_on_different_channels_are_refused_with_50414(string address, string proxy)
    {
        var error = Assert.Throws<EngineException>(() => ParticipantRules.Admit(new AddParticipant { Address = address, ProxyAddress = proxy }, None));

        Assert.Equal(Errors.ChannelMismatch, error.Code);
    }

    [Theory]
    [InlineData("whatsapp:+15551230001")]
    [InlineData("messenger:1234567")]
    public void Non_sms_address_without_proxy_is_refused_with_50412(string address)
    {
        var error = Assert.Throws<EngineException>(() => ParticipantRules.Admit(new AddParticipant { Address = address }, None));

        Assert.Equal(Errors.ProxyAddressRequired, error.Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Empty_proxy_is_refused_with_50412(string proxy)
    {
        var error = Assert.Throws<EngineException>(() => ParticipantRules.Admit(new AddParticipant { Address = Customer, ProxyAddress = proxy }, None));

        Assert.Equal(Errors.ProxyAddressRequired, error.Code);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("15005550006")]
    [InlineData("+1")]
    [InlineData("whatsapp:24680")]
    public void Invalid_proxy_is_refused_with_50408(string proxy)
    {
        var address = proxy.StartsWith("whatsapp:", StringComparison.Ordinal) ? "whatsapp:" + Customer : Customer;

        var error = Assert.Throws<EngineException>(() => ParticipantRules.Admit(new AddParticipant { Address = address, ProxyAddress = proxy }, None));

        Assert.Equal(Errors.InvalidProxyAddress, error.Code);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("15551230001")]
    [InlineData("24680")] // short codes are senders, never participants
    public void Invalid_address_is_refused(string address)
    {
        var error = Assert.Throws<EngineException>(() => ParticipantRules.Admit(new AddParticipant { Address = address, ProxyAddress = Proxy }, None));

        Assert.Equal(ErrorKind.Invalid, error.Kind);
    }

    [Fact]
    public void Projected_address_together_with_an_address_is_refused_with_50443()
    {
        var error = Assert.Throws<EngineException>(() =>
            ParticipantRules.Admit(new AddParticipant { Address = Customer, ProxyAddress = Proxy, ProjectedAddress = "+15005550007" }, None));

        Assert.Equal(Errors.ProjectedAddressOnBinding, error.Code);
    }

    [Fact]
    public void Participant_with_neither_identity_nor_address_is_refused()
    {
        var error = Assert.Throws<EngineException>(() => ParticipantRules.Admit(new AddParticipant(), None));

        Assert.Equal(Errors.InvalidParameter, error.Code);
        Assert.Equal(ErrorKind.Invalid, error.Kind);
    }

    [Fact]
    public void Participant_with_both_identity_and_address_is_refused()
    {
        var error = Assert.Throws<EngineException>(() =>
            ParticipantRules.Admit(new AddParticipant { Identity = "alice", Address = Customer, ProxyAddress = Proxy }, None));

        Assert.Equal(ErrorKind.Invalid, error.Kind);
    }

    [Fact]
    public void Proxy_without_address_is_refused()
    {
        var error = Assert.Throws<EngineException>(() => ParticipantRules.Admit(new AddParticipant { Identity = "alice", ProxyAddress = Proxy }, None));

        Assert.Equal(ErrorKind.Invalid, error.Kind);
    }

    [Fact]
    public void Empty_or_over_long_identity_is_refused()
    {
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<EngineException>(() => ParticipantRules.Admit(new AddParticipant { Identity = "" }, None)).Kind);
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<EngineException>(() => ParticipantRules.Admit(new AddParticipant { Identity = new string('i', 257) }, None)).Kind);
        Assert.Null(ParticipantRules.Admit(new AddParticipant { Identity = new string('i', 256) }, None));
    }

    [Fact]
    public void Thousandth_participant_is_admitted()
    {
        var existing = Enumerable.Range(0, 999).Select(i => Chat("user-" + i.ToString(CultureInfo.InvariantCulture))).ToList();

        Assert.Null(ParticipantRules.Admit(new AddParticipant { Identity = "last" }, existing));
    }

    [Fact]
    public void Participant_beyond_1000_is_refused_with_50417()
    {
        var existing = Enumerable.Range(0, 1000).Select(i => Chat("user-" + i.ToString(CultureInfo.InvariantCulture))).ToList();

        var error = Assert.Throws<EngineException>(() => ParticipantRules.Admit(new AddParticipant { Identity = "one-too-many" }, existing));

        Assert.Equal(Errors.TooManyParticipants, error.Code);
        Assert.Equal(ErrorKind.Invalid, error.Kind);
    }

    [Fact]
    public void Fiftieth_non_chat_participant_is_admitted()
    {
        var existing = Enumerable.Range(0, 49).Select(i => Sms(Number(i), Proxy)).ToList();

        Assert.NotNull(ParticipantRules.Admit(new AddParticipant { Address = Number(49), ProxyAddress = Proxy }, existing));
    }

    [Fact]
    public void Non_chat_participant_beyond_50_is_refused_with_50422()
    {
        var existing = Enumerable.Range(0, 50).Select(i => Sms(Number(i), Proxy)).ToList();

        var error = Assert.Throws<EngineException>(() =>
            ParticipantRules.Admit(new AddParticipant { Address = Number(50), ProxyAddress = Proxy }, existing));

        Assert.Equal(Errors.TooManyNonChatParticipants, error.Code);
    }

    [Fact]
    public void Address_only_group_participants_count_as_non_chat()
    {
        var existing = Enumerable.Range(0, 50).Select(i => Sms(Number(i), proxy: null)).ToList();

        var error = Assert.Throws<EngineException>(() => ParticipantRules.Admit(new AddParticipant { Address = Number(50) }, existing));

        Assert.Equal(Errors.TooManyNonChatParticipants, error.Code);
    }

    [Fact]
    public void Chat_participants_are_still_admitted_when_non_chat_participants_are_at_their_limit()
    {
        var existing = Enumerable.Range(0, 50).Select(i => Sms(Number(i), Proxy)).ToList();

        Assert.Null(ParticipantRules.Admit(new AddParticipant { Identity = "agent" }, existing));
        Assert.NotNull(ParticipantRules.Admit(new AddParticipant { Identity = "agent", ProjectedAddress = "+15005550007" }, existing));
    }

    [Fact]
    public void Proxy_is_removed_with_the_literal_null()
    {
        var participant = Sms(Customer, Proxy);

        var binding = ParticipantRules.Rebind(participant, new UpdateParticipant { ProxyAddress = "null" }, [participant]);

        Assert.Equal(new MessagingBinding { Type = ChannelTypes.Sms, Address = Customer }, binding);
    }

    [Fact]
    public void Removing_a_proxy_that_is_not_there_is_refused_with_50440()
    {
        var participant = Sms(Customer, proxy: null);

        var error = Assert.Throws<EngineException>(() =>
            ParticipantRules.Rebind(participant, new UpdateParticipant { ProxyAddress = "null" }, [participant]));

        Assert.Equal(50440, error.Code);
        Assert.Equal(ErrorKind.Invalid, error.Kind);
    }

    [Fact]
    public void Removing_the_proxy_of_a_chat_participant_is_refused_with_50440()
    {
        var participant = Chat("alice");

        var error = Assert.Throws<EngineException>(() =>
            ParticipantRules.Rebind(participant, new UpdateParticipant { ProxyAddress = "null" }, [participant]));

        Assert.Equal(50440, error.Code);
    }

    [Fact]
    public void Giving_a_chat_participant_a_proxy_is_refused_with_50441()
    {
        var participant = Chat("alice");

        var error = Assert.Throws<EngineException>(() =>
            ParticipantRules.Rebind(participant, new UpdateParticipant { ProxyAddress = Proxy }, [participant]));

        Assert.Equal(50441, error.Code);
    }

    [Fact]
    public void Proxy_can_be_changed_and_is_normalised()
    {
        var participant = Sms(Customer, Proxy);

        var binding = ParticipantRules.Rebind(participant, new UpdateParticipant { ProxyAddress = "+1 500 555 0007" }, [participant]);

        Assert.Equal(new MessagingBinding { Type = ChannelTypes.Sms, Address = Customer, ProxyAddress = "+15005550007" }, binding);
    }

    [Fact]
    public void Proxy_can_be_given_to_an_address_only_participant()
    {
        var participant = Sms(Customer, proxy: null);

        var binding = ParticipantRules.Rebind(participant, new UpdateParticipant { ProxyAddress = Proxy }, [participant]);

        Assert.Equal(Proxy, binding!.ProxyAddress);
    }

    [Fact]
    public void Changing_the_proxy_to_the_address_is_refused_with_50409()
    {
        var participant = Sms(Customer, Proxy);

        var error = Assert.Throws<EngineException>(() =>
            ParticipantRules.Rebind(participant, new UpdateParticipant { ProxyAddress = Customer }, [participant]));

        Assert.Equal(Errors.AddressEqualsProxy, error.Code);
    }

    [Fact]
    public void Changing_the_proxy_to_another_channel_is_refused_with_50414()
    {
        var participant = Sms(Customer, Proxy);

        var error = Assert.Throws<EngineException>(() =>
            ParticipantRules.Rebind(participant, new UpdateParticipant { ProxyAddress = "whatsapp:" + Proxy }, [participant]));

        Assert.Equal(Errors.ChannelMismatch, error.Code);
    }

    [Fact]
    public void Changing_the_proxy_to_one_another_participant_holds_with_the_same_address_is_refused_with_50437()
    {
        var participant = Sms(Customer, Proxy);
        var other = Sms(Customer, "+15005550007");

        var error = Assert.Throws<EngineException>(() =>
            ParticipantRules.Rebind(participant, new UpdateParticipant { ProxyAddress = "+15005550007" }, [participant, other]));

        Assert.Equal(Errors.GroupParticipantExists, error.Code);
    }

    [Fact]
    public void Projected_address_on_a_participant_with_an_address_is_refused_with_50443()
    {
        var participant = Sms(Customer, Proxy);

        var error = Assert.Throws<EngineException>(() =>
            ParticipantRules.Rebind(participant, new UpdateParticipant { ProjectedAddress = "+15005550007" }, [participant]));

        Assert.Equal(Errors.ProjectedAddressOnBinding, error.Code);
    }

    [Fact]
    public void Projected_address_is_set_and_removed_with_the_literal_null()
    {
        var participant = Chat("agent");

        var set = ParticipantRules.Rebind(participant, new UpdateParticipant { ProjectedAddress = "+1 500 555 0006" }, [participant]);
        var removed = ParticipantRules.Rebind(participant with { MessagingBinding = set }, new UpdateParticipant { ProjectedAddress = "null" }, [participant]);

        Assert.Equal(new MessagingBinding { Type = ChannelTypes.Sms, ProjectedAddress = Proxy }, set);
        Assert.Null(removed);
    }

    [Fact]
    public void Update_without_binding_changes_keeps_the_binding()
    {
        var participant = Sms(Customer, Proxy);

        var binding = ParticipantRules.Rebind(participant, new UpdateParticipant { Attributes = "{}" }, [participant]);

        Assert.Equal(participant.MessagingBinding, binding);
    }

    [Fact]
    public void Identity_taken_by_another_participant_is_refused_with_50433()
    {
        var alice = Chat("alice");
        var bob = Chat("bob");

        var error = Assert.Throws<EngineException>(() => ParticipantRules.CheckIdentity("alice", bob.Sid, [alice, bob]));

        Assert.Equal(Errors.IdentityInUse, error.Code);
        Assert.Equal(ErrorKind.Conflict, error.Kind);
    }

    [Fact]
    public void Participant_may_keep_its_own_identity()
    {
        var alice = Chat("alice");

        ParticipantRules.CheckIdentity("alice", alice.Sid, [alice]);
        ParticipantRules.CheckIdentity(null, alice.Sid, [alice]);
    }

    [Fact]
    public void Empty_or_over_long_identity_is_refused_on_update()
    {
        var alice = Chat("alice");

        Assert.Equal(ErrorKind.Invalid, Assert.Throws<EngineException>(() => ParticipantRules.CheckIdentity("", alice.Sid, [alice])).Kind);
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<EngineException>(() => ParticipantRules.CheckIdentity(new string('i', 257), alice.Sid, [alice])).Kind);
    }

    private static string Number(int i) => "+1555200" + i.ToString("D4", CultureInfo.InvariantCulture);

    private static ParticipantSnapshot Chat(string identity, string? projected = null) =>
        Participant(identity, projected is null ? null : new MessagingBinding { Type = ChannelTypes.Sms, ProjectedAddress = projected });

    private static ParticipantSnapshot Sms(string address, string? proxy) =>
        Participant(null, new MessagingBinding { Type = ChannelTypes.Sms, Address = address, ProxyAddress = proxy });

    private static ParticipantSnapshot Participant(string? identity, MessagingBinding? binding) => new()
    {
        Sid = Sids.New(Sids.Participant),
        ConversationSid = "CH0123456789abcdef0123456789abcdef",
        ChatServiceSid = "IS0123456789abcdef0123456789abcdef",
        Identity = identity,
        Attributes = "{}",
        MessagingBinding = binding,
        DateCreated = DateTimeOffset.UnixEpoch,
        DateUpdated = DateTimeOffset.UnixEpoch,
    };
}
