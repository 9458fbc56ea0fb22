namespace ConversationEngine;

/// <summary>What kind of refusal an <see cref="EngineException"/> is; the front end picks the HTTP status from it.</summary>
public enum ErrorKind
{
    /// <summary>The request breaks a rule (a value, a missing parameter, a limit).</summary>
    Invalid = 0,

    /// <summary>What the request names does not exist.</summary>
    NotFound = 1,

    /// <summary>It clashes with what exists (a taken unique name, binding or identity).</summary>
    Conflict = 2,

    /// <summary>The conversation is closed for good.</summary>
    Closed = 3,

    /// <summary>The caller did not prove who it is.</summary>
    Unauthenticated = 4,

    /// <summary>The caller is known (or claims to be) but may not do this.</summary>
    Forbidden = 5,

    /// <summary>The request's body is not in a form the engine reads.</summary>
    UnsupportedMediaType = 6,

    /// <summary>Something the engine needs is out of reach for now; the same request may succeed later.</summary>
    Unavailable = 7,

    /// <summary>The request's body is larger than the engine reads.</summary>
    PayloadTooLarge = 8,

    /// <summary>The request is well formed but contradicts an earlier one (an idempotency key reused).</summary>
    Unprocessable = 9,

    /// <summary>
    /// The engine failed part-way through a request and undid what it had done; the outcome is
    /// known (nothing is held), but the request did not succeed.
    /// </summary>
    Failed = 10,

    /// <summary>The caller holds as many of something as it may (live connections).</summary>
    TooManyRequests = 11,
}

/// <summary>
/// A refusal, carrying Twilio's error code and its <see cref="ErrorKind"/>; no HTTP status and no
/// URL (the front end maps kinds to statuses and knows the request). It crosses grain boundaries.
/// </summary>
[GenerateSerializer]
[Alias("ConversationEngine.EngineException")]
public sealed class EngineException : Exception
{
    public EngineException()
    {
    }

    public EngineException(string message)
        : base(message)
    {
    }

    public EngineException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public EngineException(ErrorKind kind, int code, string message)
        : base(message)
    {
        Kind = kind;
        Code = code;
    }

    [Id(0)]
    public int Code { get; init; }

    [Id(2)]
    public ErrorKind Kind { get; init; }
}
