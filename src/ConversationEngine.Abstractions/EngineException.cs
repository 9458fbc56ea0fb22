namespace ConversationEngine;

/// <summary>
/// A refusal the client caused, carrying Twilio's error code and the HTTP status to answer with.
/// It crosses grain boundaries, so the front end can turn it into Twilio's error body.
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

    public EngineException(int code, int status, string message)
        : base(message)
    {
        Code = code;
        Status = status;
    }

    [Id(0)]
    public int Code { get; init; }

    [Id(1)]
    public int Status { get; init; }
}
