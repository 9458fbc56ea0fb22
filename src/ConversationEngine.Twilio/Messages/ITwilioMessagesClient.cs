namespace ConversationEngine.Twilio.Messages;

/// <summary>Sends outbound messages through Twilio's Programmable Messaging API.</summary>
public interface ITwilioMessagesClient
{
    /// <summary>
    /// Creates one message. Transient failures are retried inside the call (see
    /// <see cref="TwilioMessagesServiceCollectionExtensions"/>); what is left surfaces as an exception.
    /// </summary>
    /// <param name="request">The message; validated before anything is sent.</param>
    /// <param name="cancellationToken">Abandons the send, retries included.</param>
    /// <returns>The Message resource Twilio created.</returns>
    /// <exception cref="ArgumentException">The request breaks Twilio's rules for its shape.</exception>
    /// <exception cref="InvalidOperationException">No credentials are configured.</exception>
    /// <exception cref="TwilioApiException">Twilio refused, failed after every attempt, or never answered.</exception>
    Task<OutboundMessageResult> SendAsync(OutboundMessageRequest request, CancellationToken cancellationToken = default);
}
