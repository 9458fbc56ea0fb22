using System.Diagnostics;
using ConversationEngine.Conversations;
using ConversationEngine.Indexes;
using Microsoft.Data.Sqlite;

namespace ConversationEngine.Tests.Grains;

/// <summary>Conversation timers on a real two-silo cluster, with the test-only one-second floor.</summary>
public sealed class LifecycleGrainTests(TwoSiloCluster cluster) : IClassFixture<TwoSiloCluster>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly string service = Sids.New(Sids.ChatService);

    [Fact]
    public async Task Active_conversation_goes_inactive_then_closed_and_frees_its_binding()
    {
        var conversation = await CreateAsync(ConversationStates.Active, inactive: TimeSpan.FromSeconds(2), closed: TimeSpan.FromSeconds(5));
        var pair = await AddSmsParticipantAsync(conversation);
        var created = (await conversation.GetAsync())!;
        Assert.Equal(created.DateUpdated.AddSeconds(2), created.DateInactive!.Value, TimeSpan.FromSeconds(1));

        await WaitForStateAsync(conversation, ConversationStates.Inactive);
        var inactive = (await conversation.GetAsync())!;
        Assert.Null(inactive.DateInactive);
        Assert.NotNull(inactive.DateClosed);
        await WaitForStateAsync(conversation, ConversationStates.Closed);

        var closed = (await conversation.GetAsync())!;
        Assert.Null(closed.DateClosed);
        var next = await CreateAsync(ConversationStates.Active);
        var (address, proxy) = (pair.Split('|')[0], pair.Split('|')[1]);
        await next.AddParticipantAsync(new AddParticipant { Address = address, ProxyAddress = proxy });
        Assert.Equal(next.GetPrimaryKeyString(), await cluster.Grains.GetGrain<IBindingIndexGrain>(pair).GetHolderAsync());

        // Once its reminder has run, the closed conversation leaves no reminder behind, and its
        // own late release leaves the new holder alone.
        var clock = Stopwatch.StartNew();
        while (await ReminderRowsAsync(conversation) > 0)
        {
            Assert.True(clock.Elapsed < Patience, "the closed conversation kept its reminder");
            await Task.Delay(200);
        }

        Assert.Equal(next.GetPrimaryKeyString(), await cluster.Grains.GetGrain<IBindingIndexGrain>(pair).GetHolderAsync());
    }

    [Fact]
    public async Task Messages_restart_the_inactive_timer()
    {
        var created = System.Diagnostics.Stopwatch.StartNew();
        var conversation = await CreateAsync(ConversationStates.Active, inactive: TimeSpan.FromSeconds(4));

        // Messages a second apart for longer than the timer: it never elapses, since each one restarts it.
        // Judged only where the last message is well inside the timer (a loaded machine may stall a step).
        var judged = 0;
        while (created.Elapsed < TimeSpan.FromSeconds(9))
        {
            var sent = System.Diagnostics.Stopwatch.StartNew();
            await conversation.AddMessageAsync(new AddMessage { Body = $"keep-alive {judged}" });
            await Task.Delay(TimeSpan.FromSeconds(1));
            var state = (await conversation.GetAsync())!.State;
            if (sent.Elapsed < TimeSpan.FromSeconds(3))
            {
                Assert.Equal(ConversationStates.Active, state);
                judged++;
            }
        }

        Assert.True(judged >= 3, $"only {judged} steps were quick enough to judge");
        await WaitForStateAsync(conversation, ConversationStates.Inactive);
    }

    [Fact]
    public async Task Message_wakes_an_inactive_conversation_and_restarts_its_timers()
    {
        var conversation = await CreateAsync(ConversationStates.Inactive, inactive: TimeSpan.FromMinutes(5), closed: TimeSpan.FromMinutes(30));
        Assert.Null((await conversation.GetAsync())!.DateInactive);

        var before = DateTimeOffset.UtcNow;
        await conversation.AddMessageAsync(new AddMessage { Body = "hello again" });
        await cluster.DeactivateAllAsync();

        var woken = (await conversation.GetAsync())!;
        Assert.Equal(ConversationStates.Active, woken.State);
        Assert.True(woken.DateInactive >= before.AddMinutes(5).AddSeconds(-1));
    }

    [Fact]
    public async Task Participant_activity_wakes_an_inactive_conversation()
    {
        var conversation = await CreateAsync(ConversationStates.Inactive);

        await conversation.AddParticipantAsync(new AddParticipant { Identity = "agent" });

        Assert.Equal(ConversationStates.Active, (await conversation.GetAsync())!.State);
    }

    [Fact]
    public async Task Timer_fires_while_the_conversation_grain_is_deactivated()
    {
        var conversation = await CreateAsync(ConversationStates.Active, closed: TimeSpan.FromSeconds(2));
        var pair = await AddSmsParticipantAsync(conversation);
        await cluster.DeactivateAllAsync();

        // Only the index is read: the closing must come from the reminder, not from a visit.
        var index = cluster.Grains.GetGrain<IBindingIndexGrain>(pair);
        var clock = Stopwatch.StartNew();
        while (await index.GetHolderAsync() is not null)
        {
            Assert.True(clock.Elapsed < Patience, "the reminder did not close the conversation");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Closed_conversation_refuses_messages_participants_and_state_changes()
    {
        var conversation = await CreateAsync(ConversationStates.Active);
        await conversation.UpdateAsync(new UpdateConversation { State = ConversationStates.Closed });

        Assert.Equal(50377, (await Assert.ThrowsAsync<EngineException>(() => conversation.AddMessageAsync(new AddMessage { Body = "late" }))).Code);
        Assert.Equal(50377, (await Assert.ThrowsAsync<EngineException>(() => conversation.AddParticipantAsync(new AddParticipant { Identity = "late" }))).Code);
        Assert.Equal(50377, (await Assert.ThrowsAsync<EngineException>(() => conversation.UpdateAsync(new UpdateConversation { State = ConversationStates.Active }))).Code);
    }

    [Fact]
    public async Task Deleting_a_conversation_removes_its_reminder()
    {
        var conversation = await CreateAsync(ConversationStates.Active, inactive: TimeSpan.FromHours(1), closed: TimeSpan.FromHours(2));
        Assert.Equal(1, await ReminderRowsAsync(conversation));

        await conversation.DeleteAsync();

        Assert.Equal(0, await ReminderRowsAsync(conversation));
    }

    [Fact]
    public async Task Removing_the_timers_removes_the_reminder()
    {
        var conversation = await CreateAsync(ConversationStates.Active, inactive: TimeSpan.FromHours(1));
        Assert.Equal(1, await ReminderRowsAsync(conversation));

        var updated = await conversation.UpdateAsync(new UpdateConversation { RemoveInactiveTimer = true });

        Assert.Null(updated.DateInactive);
        Assert.Equal(0, await ReminderRowsAsync(conversation));
    }

    [Fact]
    public async Task Conversation_without_timers_has_no_reminder()
    {
        var conversation = await CreateAsync(ConversationStates.Active);

        Assert.Equal(0, await ReminderRowsAsync(conversation));
    }

    [Fact]
    public async Task A_due_timer_shows_and_applies_before_its_reminder_runs()
    {
        // A long reminder period stands in for a cluster that was down when the timer fell due.
        var conversation = await CreateAsync(ConversationStates.Active, inactive: TimeSpan.FromSeconds(1));
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var updated = await conversation.UpdateAsync(new UpdateConversation { FriendlyName = "renamed" });

        Assert.Equal(ConversationStates.Inactive, updated.State);
    }

    private async Task<IConversationGrain> CreateAsync(string state, TimeSpan? inactive = null, TimeSpan? closed = null)
    {
        var grain = cluster.Grains.GetGrain<IConversationGrain>(Sids.New(Sids.Conversation));
        await grain.CreateAsync(new CreateConversation { ChatServiceSid = service, State = state, InactiveTimer = inactive, ClosedTimer = closed });
        return grain;
    }

    private static async Task<string> AddSmsParticipantAsync(IConversationGrain conversation)
    {
        var address = "+1415" + Random.Shared.Next(2000000, 9999999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var participant = await conversation.AddParticipantAsync(new AddParticipant { Address = address, ProxyAddress = "+15005550006" });
        return participant.MessagingBinding!.PairKey!;
    }

    private static async Task WaitForStateAsync(IConversationGrain conversation, string state)
    {
        var clock = Stopwatch.StartNew();
        while ((await conversation.GetAsync())!.State != state)
        {
            Assert.True(clock.Elapsed < Patience, $"the conversation did not become {state}");
            await Task.Delay(200);
        }
    }

    private async Task<long> ReminderRowsAsync(IConversationGrain conversation)
    {
        await using var connection = new SqliteConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM OrleansRemindersTable WHERE GrainId LIKE '%' || $sid || '%'";
        command.Parameters.AddWithValue("$sid", conversation.GetPrimaryKeyString());
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
