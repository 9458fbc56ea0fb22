using ConversationEngine.Api.Resources.Contracts;
using ConversationEngine.Twilio.Messages;
using ConversationEngine.TwilioAccount;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Api.Resources;

/// <summary>The last (or just-run) import of the connected Twilio account.</summary>
public sealed record TwilioSyncResource(
    string AccountSid,
    string? TwilioAccountSid,
    string Status,
    string? Trigger,
    DateTimeOffset? DateStarted,
    DateTimeOffset? DateCompleted,
    string? Error,
    TwilioSyncCountsResource PhoneNumbers,
    TwilioSyncCountsResource ShortCodes,
    TwilioSyncCountsResource ChannelSenders,
    TwilioSyncCountsResource MessagingServices,
    IReadOnlyList<TwilioSyncMissingResource> Missing,
    IReadOnlyList<TwilioSyncSkipResource> Skipped,
    int? SyncIntervalSeconds,
    string Url);

public sealed record TwilioSyncCountsResource(int Added, int Updated, int Unchanged, int Missing);

public sealed record TwilioSyncMissingResource(string Sid, string? Name, DateTimeOffset DateMissing);

public sealed record TwilioSyncSkipResource(string Sid, string Reason);

/// <summary>
/// <c>/engine/v1/Twilio/Sync</c>: import the connected Twilio account's numbers, short codes,
/// Messaging Services, pools and WhatsApp senders under Twilio's SIDs, now (POST) or see the last
/// import (GET). Account credentials only.
/// </summary>
public static class TwilioSyncEndpoints
{
    public static IEndpointRouteBuilder MapTwilioSyncEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/engine/v1/Twilio").WithTags("Twilio account");
        group.MapPost("/Sync", SyncAsync).WithName("CreateTwilioSync");
        group.MapGet("/Sync", FetchAsync).WithName("FetchTwilioSync");
        return routes;
    }

    public static async Task<Ok<TwilioSyncResource>> SyncAsync(IGrainFactory grains, ResourceLinks links, IOptions<TwilioMessagesOptions> twilio)
    {
        var report = await grains.GetGrain<ITwilioAccountSyncGrain>(links.AccountSid).SyncAsync("operator");
        return TypedResults.Ok(Resource(report, links, twilio.Value));
    }

    public static async Task<Ok<TwilioSyncResource>> FetchAsync(IGrainFactory grains, ResourceLinks links, IOptions<TwilioMessagesOptions> twilio)
    {
        var report = await grains.GetGrain<ITwilioAccountSyncGrain>(links.AccountSid).GetReportAsync();
        return TypedResults.Ok(Resource(report, links, twilio.Value));
    }

    private static TwilioSyncResource Resource(TwilioSyncReport report, ResourceLinks links, TwilioMessagesOptions twilio) => new(
        links.AccountSid,
        report.TwilioAccountSid ?? (twilio.HasCredentials ? twilio.AccountSid : null),
        report.Status,
        report.Trigger,
        report.DateStarted,
        report.DateCompleted,
        report.Error,
        Counts(report.PhoneNumbers),
        Counts(report.ShortCodes),
        Counts(report.ChannelSenders),
        Counts(report.MessagingServices),
        report.Missing.Select(m => new TwilioSyncMissingResource(m.Sid, m.Name, m.DateMissing)).ToList(),
        report.Skipped.Select(s => new TwilioSyncSkipResource(s.Sid, s.Reason)).ToList(),
        twilio.HasCredentials && twilio.SyncInterval > TimeSpan.Zero ? (int)twilio.SyncInterval.TotalSeconds : null,
        links.Engine("/Twilio/Sync"));

    private static TwilioSyncCountsResource Counts(TwilioSyncCounts counts) => new(counts.Added, counts.Updated, counts.Unchanged, counts.Missing);
}
