using ConversationEngine.Accounts;
using ConversationEngine.Contacts;
using ConversationEngine.Conversations;
using ConversationEngine.Indexes;
using ConversationEngine.Rules;
using ConversationEngine.Twilio.Messages;
using ConversationEngine.Webhooks;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Inbound;

[GenerateSerializer]
[Alias("ConversationEngine.InboundMessageState")]
public sealed class InboundMessageState
{
    [Id(0)] public InboundOutcome? Outcome { get; set; }
}

/// <summary>
/// Routes one inbound message exactly once. Its activation serialises concurrent deliveries of
/// the same MessageSid; a redelivery after a crash repeats the work, which is safe: keyword
/// state is set, not toggled, and the conversation recognises a message it already appended.
/// </summary>
public sealed class InboundMessageGrain(
    [PersistentState("inbound", "store")] IPersistentState<InboundMessageState> store,
    IGrainFactory grains,
    TimeProvider time,
    IOptions<InboundOptions> options,
    IOptions<TwilioMessagesOptions> twilio,
    Events.PreActionGate gate,
    Media.IMediaStore media,
    Telemetry.EngineMetrics metrics) : Grain, IInboundMessageGrain
{
    private const int MaxForwardsKept = 20;

    public async Task<InboundOutcome> ProcessAsync(InboundRequest request)
    {
        if (store.State.Outcome is { } done)
        {
            return done;
        }

        InboundOutcome outcome;
        using (var activity = Telemetry.EngineMetrics.ActivitySource.StartActivity("inbound"))
        {
            activity?.SetTag("engine.message_sid", request.MessageSid);
            outcome = await RouteAsync(request);
            activity?.SetTag("engine.inbound.outcome", outcome.Outcome);
        }

        if (outcome.Outcome is InboundOutcomes.Unroutable or InboundOutcomes.Rejected)
        {
            await DiscardMediaAsync(request);
        }

        store.State.Outcome = outcome;
        await store.WriteStateAsync();
        Count(outcome);
        return outcome;
    }

    /// <summary>Counted once the outcome is stored: a redelivery by Twilio answers from it and is not counted again.</summary>
    private void Count(InboundOutcome outcome)
    {
        var channel = Telemetry.EngineMetrics.ChannelOf(outcome.Request.From);
        metrics.InboundMessage(channel, outcome.Outcome);
        switch (outcome.Keyword.Action)
        {
            case KeywordAction.OptOut:
                metrics.OptOut(channel);
                break;
            case KeywordAction.OptIn:
                metrics.OptIn(channel);
                break;
        }
    }

    public Task<InboundOutcome?> GetAsync() => Task.FromResult(store.State.Outcome);

    public async Task RecordForwardsAsync(IReadOnlyList<InboundForward> forwards)
    {
        if (store.State.Outcome is not { } outcome || forwards.Count == 0)
        {
            return;
        }

        // Each redelivery by Twilio is forwarded again; the newest attempts tell the story.
        IReadOnlyList<InboundForward> kept = [.. outcome.Forwards, .. forwards];
        store.State.Outcome = outcome with { Forwards = kept.Skip(Math.Max(0, kept.Count - MaxForwardsKept)).ToList() };
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            store.State.Outcome = outcome;
            throw;
        }
    }

    private async Task<InboundOutcome> RouteAsync(InboundRequest request)
    {
        var received = time.GetUtcNow();
        var outcome = new InboundOutcome
        {
            MessageSid = request.MessageSid,
            Outcome = InboundOutcomes.Unroutable,
            DateReceived = received,
            Request = request,
        };

        ChannelAddress from, to;
        try
        {
            from = ChannelAddress.Parse(request.From, "From", Errors.InvalidParameter);
            to = ChannelAddress.Parse(request.To, "To", Errors.InvalidParameter, allowShortCode: true);
        }
        catch (EngineException error)
        {
            return await UnroutableAsync(outcome, error.Message);
        }

        // What this message changes in a conversation came in by SMS or WhatsApp: its webhooks always fire.
        Events.EventOrigin.Set(new Events.EventOrigin { Source = from.Type == ChannelTypes.WhatsApp ? "WHATSAPP" : "SMS", WebhookEnabled = true });

        // Consent first: the keyword message itself is still recorded below.
        var policy = request.MessagingServiceSid is { } service ? await grains.GetGrain<IConsentPolicyGrain>(service).GetAsync() : null;
        var match = ConsentKeywords.Match(request.Body, policy?.Keywords ?? []);
        var keyword = match?.Action ?? KeywordAction.None;
        var contactChannel = grains.GetGrain<IContactChannelGrain>(ContactKeys.Channel(request.MessagingServiceSid ?? to.Value, from.Value));
        var contact = keyword is KeywordAction.OptOut or KeywordAction.OptIn
            ? await contactChannel.RecordConsentAsync(new ConsentChange
            {
                State = keyword == KeywordAction.OptOut ? ConsentStates.OptedOut : ConsentStates.OptedIn,
                Source = "keyword",
                Keyword = match!.Keyword,
                Evidence = Evidence(request),
                MessageSid = request.MessageSid,
            })
            : await contactChannel.GetAsync();
        if (from.Type == ChannelTypes.WhatsApp || contact.LastInbound is null)
        {
            // Only WhatsApp limits free-form answers to 24 hours after the contact's last message;
            // other channels are recorded once, so the channel is known (operator API) without a
            // write per message.
            await contactChannel.RecordInboundAsync(time.GetUtcNow());
        }

        var answeredByTwilio = AnsweredByTwilio(match, policy);
        outcome = outcome with
        {
            Keyword = new KeywordActionResult
            {
                Action = keyword,
                OptedOut = keyword == KeywordAction.None ? null : contact.OptedOut,
                Keyword = match?.Keyword,
                Language = match?.Rule?.Language,
                AnsweredByTwilio = answeredByTwilio,
            },
            Reply = Reply(match, answeredByTwilio),
        };

        var command = new AddMessage
        {
            Author = from.Value,
            Body = request.Body,
            MediaItems = request.Media.Select(ToMediaItem).ToList(),
            SourceSid = request.MessageSid,
        };

        try
        {
            if (await AppendToHolderAsync(from, to, command, askHooks: true) is { } routed)
            {
                await WrittenInAsync(contactChannel, contact, routed.ConversationSid);
                return outcome with { Outcome = InboundOutcomes.Routed, ConversationSid = routed.ConversationSid, ConversationMessageSid = routed.Sid };
            }
        }
        catch (EngineException error) when (error.Code == Errors.Forbidden)
        {
            return outcome with { Outcome = InboundOutcomes.Rejected, Reason = error.Message };
        }

        var configuration = await grains.GetGrain<IAddressBookGrain>(request.AccountSid).FindAsync(to.Value);
        if (configuration is not { AutoCreationEnabled: true })
        {
            return await UnroutableAsync(outcome, configuration is null
                ? $"no conversation holds {from.Value} / {to.Value} and {to.Value} has no address configuration"
                : $"no conversation holds {from.Value} / {to.Value} and auto-creation is disabled for {to.Value}");
        }

        try
        {
            var created = await AutoCreateAsync(request, configuration, from, to, command);
            await WrittenInAsync(contactChannel, contact, created.ConversationSid);
            return outcome with { Outcome = InboundOutcomes.AutoCreated, ConversationSid = created.ConversationSid, ConversationMessageSid = created.Sid };
        }
        catch (EngineException error) when (error.Code == Errors.Forbidden)
        {
            return outcome with { Outcome = InboundOutcomes.Rejected, Reason = error.Message };
        }
        catch (EngineException error)
        {
            // Refused by a rule (a limit, say), not by a fault: keep it for operators rather than
            // answer Twilio with a 4xx it would not retry.
            return await UnroutableAsync(outcome, $"auto-creation for {to.Value} failed: {error.Message}");
        }
    }

    /// <summary>Appends to the non-closed conversation holding the pair; null when there is none.</summary>
    /// <param name="askHooks">Whether onMessageAdd is asked first (not for a conversation auto-created for the message: Twilio asks onConversationAdd only).</param>
    private async Task<MessageSnapshot?> AppendToHolderAsync(ChannelAddress from, ChannelAddress to, AddMessage command, bool askHooks = false)
    {
        var holder = await grains.GetGrain<IBindingIndexGrain>(IndexKeys.Binding(from.Value, to.Value)).GetHolderAsync();
        if (holder is null)
        {
            return null;
        }

        var conversation = grains.GetGrain<IConversationGrain>(holder);
        if (askHooks && await conversation.GetAsync() is { } snapshot)
        {
            var decision = await gate.CheckAsync(Events.PreActionEvents.MessageAdd, snapshot.ChatServiceSid, Events.PreActionEvents.MessageAddParameters(holder, command));
            command = Events.PreActionEvents.Apply(decision, command);
        }

        try
        {
            return await conversation.AddMessageAsync(command);
        }
        catch (EngineException error) when (error.Kind is ErrorKind.Invalid or ErrorKind.NotFound or ErrorKind.Closed)
        {
            // Closed (its reminder not yet run) or gone: the pair is free for a new conversation.
            return null;
        }
    }

    private async Task<MessageSnapshot> AutoCreateAsync(InboundRequest request, AddressConfiguration configuration, ChannelAddress from, ChannelAddress to, AddMessage command)
    {
        var account = await grains.GetGrain<IAccountGrain>(request.AccountSid).GetConfigurationAsync();
        var conversation = grains.GetGrain<IConversationGrain>(Sids.New(Sids.Conversation));
        var hasTimers = account.DefaultInactiveTimer is not null || account.DefaultClosedTimer is not null;
        var create = new CreateConversation
        {
            ChatServiceSid = configuration.ConversationServiceSid ?? account.DefaultChatServiceSid,
            MessagingServiceSid = request.MessagingServiceSid ?? account.DefaultMessagingServiceSid,
            FriendlyName = request.ProfileName,
            State = hasTimers ? ConversationStates.Active : null,
            InactiveTimer = account.DefaultInactiveTimer,
            ClosedTimer = account.DefaultClosedTimer,
        };

        // Twilio asks onConversationAdd (with the message and the pair) and nothing else here.
        var decision = await gate.CheckAsync(
            Events.PreActionEvents.ConversationAdd, create.ChatServiceSid, Events.PreActionEvents.ConversationAddParameters(create, from.Value, to.Value, request.Body));
        await conversation.CreateAsync(Events.PreActionEvents.Apply(decision, create));

        try
        {
            await AttachWebhookAsync(configuration, conversation.GetPrimaryKeyString());
            await conversation.AddParticipantAsync(new AddParticipant { Address = from.Value, ProxyAddress = to.Value });
        }
        catch (EngineException error) when (error.Code == Errors.BindingInUse)
        {
            // Another message from the same contact created its conversation first: use that one.
            await DiscardAsync(conversation);
            var routed = await AppendToHolderAsync(from, to, command);
            if (routed is null)
            {
                throw;
            }

            return routed;
        }
        catch
        {
            await DiscardAsync(conversation);
            throw;
        }

        return await conversation.AddMessageAsync(command);
    }

    /// <summary>
    /// Auto-creation of type webhook: the new conversation gets a scoped webhook with the address
    /// configuration's URL, method and filters, before its participant and first message.
    /// </summary>
    private async Task AttachWebhookAsync(AddressConfiguration configuration, string conversationSid)
    {
        if (configuration is not { AutoCreationType: "webhook", WebhookUrl: { } url })
        {
            return;
        }

        await grains.GetGrain<IConversationWebhooksGrain>(conversationSid).CreateAsync(new ScopedWebhookCommand
        {
            Target = "webhook",
            Url = url,
            Method = configuration.WebhookMethod,
            Filters = configuration.WebhookFilters,
        });
    }

    private async Task DiscardAsync(IConversationGrain conversation)
    {
        await conversation.DeleteAsync();
        await grains.GetGrain<IConversationWebhooksGrain>(conversation.GetPrimaryKeyString()).ClearAsync();
    }

    /// <summary>
    /// A fetched item carries what its record needs (created when the message is attached);
    /// a request stored before media were fetched (no SID) keeps Twilio's URL, as it did then.
    /// </summary>
    private static MediaItem ToMediaItem(InboundMediaItem item) => item.Sid is { } sid
        ? new MediaItem
        {
            Sid = sid,
            Size = item.Size,
            ContentType = item.ContentType,
            Filename = item.Filename,
            SourceUrl = item.Url,
            ErrorCode = item.ErrorCode,
            ErrorMessage = item.ErrorMessage,
        }
        : new MediaItem { Sid = Sids.New(Sids.Media), ContentType = item.ContentType, Url = item.Url };

    /// <summary>
    /// The fetched content of a message that landed nowhere (operators see the request, with
    /// Twilio's URLs, in the unroutable log): nothing of it stays in the store. A record exists
    /// only if a conversation took the message's media and then refused the message; it goes too.
    /// </summary>
    private async Task DiscardMediaAsync(InboundRequest request)
    {
        foreach (var sid in request.Media.Where(m => m.ErrorCode is null).Select(m => m.Sid).OfType<string>())
        {
            bool recorded;
            try
            {
                // Deleting a record deletes its content too.
                recorded = await grains.GetGrain<Media.IMediaGrain>(sid).DeleteAsync();
            }
            catch (EngineException error) when (error.Code == Errors.MediaAlreadyAttached)
            {
                // A message holds it after all (added, then its outcome lost): it stays with that message.
                continue;
            }

            if (!recorded)
            {
                await media.DeleteAsync(sid);
            }
        }
    }

    private async Task<InboundOutcome> UnroutableAsync(InboundOutcome outcome, string reason)
    {
        await grains.GetGrain<IUnroutableLogGrain>(outcome.Request.AccountSid).AppendAsync(outcome.MessageSid);
        return outcome with { Outcome = InboundOutcomes.Unroutable, Reason = reason };
    }

    /// <summary>
    /// The contact wrote in this conversation: the engine's messages there answer it (a Messaging
    /// Service that requires opt-in lets them through).
    /// </summary>
    private static async Task WrittenInAsync(IContactChannelGrain contactChannel, ContactChannelSnapshot contact, string conversationSid)
    {
        if (contact.ConversationsWrittenIn.Count == 0 || contact.ConversationsWrittenIn[^1] != conversationSid)
        {
            await contactChannel.RecordConversationAsync(conversationSid);
        }
    }

    /// <summary>What the contact sent, as the evidence of its keyword's opt-in or opt-out.</summary>
    private static string Evidence(InboundRequest request)
    {
        var text = new string((request.Body ?? "").Trim().Where(c => !char.IsControl(c)).Take(200).ToArray());
        return $"Message {request.MessageSid} from {request.From} to {request.To}: \"{text}\"";
    }

    /// <summary>
    /// The TwiML answer: none to a keyword Twilio answered (<see cref="AnsweredByTwilio"/>), a
    /// service's own keyword with its language's reply, Twilio's defaults with the engine's.
    /// </summary>
    private string? Reply(KeywordMatch? match, bool answeredByTwilio)
    {
        if (match is null)
        {
            return NullIfEmpty(options.Value.AutoReply);
        }

        if (answeredByTwilio)
        {
            return null;
        }

        if (match.Rule is { } rule)
        {
            return NullIfEmpty(rule.Reply);
        }

        return match.Action switch
        {
            KeywordAction.Help => NullIfEmpty(options.Value.HelpReply),
            KeywordAction.OptOut => NullIfEmpty(options.Value.OptOutReply),
            KeywordAction.OptIn => NullIfEmpty(options.Value.OptInReply),
            _ => null,
        };
    }

    /// <summary>
    /// Twilio answers its own default keywords before the webhook reaches the engine when the
    /// account is Twilio's: the engine then stays silent on them (no double reply); in the sandbox
    /// it answers them itself. A service's own keywords are Twilio's to answer only when the service
    /// turned the engine's replies off (Twilio's Advanced Opt-Out then answers them).
    /// </summary>
    private bool AnsweredByTwilio(KeywordMatch? match, ConsentPolicy? policy) => match switch
    {
        null => false,
        { Rule: not null } => policy is { EngineReplies: false },
        _ => match.TwilioDefault && twilio.Value.HasCredentials,
    };

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
