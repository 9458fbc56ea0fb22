using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace ConversationEngine.Idempotency;

/// <summary>The first final answer to a request, kept so a repeat gets it again byte for byte.</summary>
[GenerateSerializer]
[Alias("ConversationEngine.IdempotentResponse")]
public sealed record IdempotentResponse
{
    [Id(0)] public required int Status { get; init; }
    [Id(1)] public string? ContentType { get; init; }
    [Id(2)] public string? Location { get; init; }

    /// <summary>The body as UTF-8 text: every answer the engine gives is JSON.</summary>
    [Id(3)] public required string Body { get; init; }
}

/// <summary>What the front end does with a request carrying a key.</summary>
public enum IdempotencyStep
{
    /// <summary>Carry the request out (first time, or again after an attempt that left no outcome).</summary>
    Run,

    /// <summary>Answer with <see cref="IdempotencyTicket.Response"/>: the key's request is done.</summary>
    Replay,

    /// <summary>The key was used for a different request.</summary>
    Mismatch,

    /// <summary>Another attempt with this key is running now.</summary>
    Busy,
}

[GenerateSerializer]
[Alias("ConversationEngine.IdempotencyTicket")]
public sealed record IdempotencyTicket
{
    [Id(0)] public required IdempotencyStep Step { get; init; }

    /// <summary>
    /// 32 hex digits reserved for the key's request when it was first seen: the resource it creates
    /// takes its SID from them on every attempt, so a re-run finds what an earlier one created.
    /// </summary>
    [Id(1)] public required string Reservation { get; init; }

    /// <summary>The attempt's number, to record its outcome or give it up.</summary>
    [Id(2)] public long Attempt { get; init; }

    /// <summary>An earlier attempt started and left no outcome (its answer was lost).</summary>
    [Id(3)] public bool Rerun { get; init; }

    [Id(4)] public IdempotentResponse? Response { get; init; }
}

/// <summary>
/// One <c>Idempotency-Key</c> of one account (key <see cref="IdempotencyKeys.For"/>): the request it
/// was first used with, the SID reserved for what that request creates, the attempt running now and
/// the first final outcome, for 24 hours.
/// </summary>
[Alias("ConversationEngine.IIdempotencyGrain")]
public interface IIdempotencyGrain : IGrainWithStringKey
{
    /// <summary>Starts an attempt of the request with this fingerprint, or says why not.</summary>
    [Alias("Begin")]
    Task<IdempotencyTicket> BeginAsync(string fingerprint);

    /// <summary>Keeps the attempt's final outcome (2xx or 4xx); the first one kept stands.</summary>
    [Alias("Complete")]
    Task CompleteAsync(long attempt, IdempotentResponse response);

    /// <summary>The attempt ended without a final outcome (5xx, timeout): the next request with the key runs again.</summary>
    [Alias("Abandon")]
    Task AbandonAsync(long attempt);
}

public static class IdempotencyKeys
{
    /// <summary>The longest key accepted.</summary>
    public const int MaxLength = 255;

    /// <summary>
    /// The grain key of an account's idempotency key: a SHA-256 of both, so any text works and the
    /// client's key is never stored as it was sent.
    /// </summary>
    public static string For(string accountSid, string key)
    {
        var text = accountSid + "\n" + key;

        // The exact UTF-16 code units, as GrainKeys hashes: a lone surrogate stays distinct.
        return "idem#" + Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(text.AsSpan())));
    }
}
