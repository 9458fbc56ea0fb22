namespace ConversationEngine.Twilio;

/// <summary>One media item of an incoming message (<c>MediaUrl{N}</c>, <c>MediaContentType{N}</c>).</summary>
/// <param name="Url">Where Twilio serves the media; absolute http or https.</param>
/// <param name="ContentType">The media's MIME type, e.g. <c>image/jpeg</c>.</param>
public sealed record InboundMedia(Uri Url, string ContentType);
