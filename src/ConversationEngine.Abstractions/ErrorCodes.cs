namespace ConversationEngine;

/// <summary>
/// Twilio error codes this engine answers with, and the refusals built from them. Codes come from
/// Twilio's error dictionary; where Twilio defines no code for a case, the generic 20001 is used.
/// </summary>
public static class Errors
{
    public const int InvalidParameter = 20001;
    public const int Unauthorized = 20003;
    public const int NotFound = 20404;
    public const int TooManyRequests = 20429;
    public const int MethodNotAllowed = 20004;
    public const int Internal = 20500;

    /// <summary>
    /// A request body larger than the engine reads (HTTP 413). Twilio documents no code for it; the
    /// engine's choice follows Twilio's generic codes that mirror the HTTP status (20403, 20404,
    /// 20429, 20500).
    /// </summary>
    public const int PayloadTooLarge = 20413;

    /// <summary>
    /// An <c>Idempotency-Key</c> (an engine extension) sent again with a different request (HTTP
    /// 422). Engine-chosen like <see cref="PayloadTooLarge"/>: Twilio's generic code for the status.
    /// </summary>
    public const int IdempotencyKeyReused = 20422;

    /// <summary>An <c>Idempotency-Key</c> whose first request is still being carried out (HTTP 409), chosen alike.</summary>
    public const int IdempotencyKeyInUse = 20409;
    /// <summary>
    /// A business-initiated message to a contact with no recorded opt-in on its channel, refused
    /// because the Messaging Service requires one (an engine extension). Twilio has no code for
    /// it; the engine's choice follows <see cref="PayloadTooLarge"/>: Twilio's generic code for
    /// "forbidden" (HTTP 403), distinct from 21610 (the contact opted out). On a receipt it can mean
    /// only this: a pre-action hook's refusal (the same code) refuses the message before it exists.
    /// </summary>
    public const int OptInRequired = 20403;
    public const int InvalidPageToken = 21481;
    public const int InvalidValidityPeriod = 21624;
    public const int SenderAlreadyInService = 21710;
    public const int SenderInAnotherService = 21712;
    public const int InvalidAttributes = 50304;
    public const int UniqueNameTaken = 50353;
    public const int InvalidWebhookFilter = 50365;
    public const int WebhookUrlTooLong = 50372;
    public const int InactiveTimerTooShort = 50375;
    public const int ClosedTimerTooShort = 50376;
    public const int ClosedConversationUpdate = 50377;
    public const int InvalidInactiveTimer = 50379;
    public const int InvalidClosedTimer = 50380;
    public const int TimersWithoutState = 50382;
    public const int UniqueNameLooksLikeSid = 50390;
    public const int InvalidProxyAddress = 50408;
    public const int AddressEqualsProxy = 50409;
    public const int ProxyAddressRequired = 50412;
    public const int ChannelMismatch = 50414;
    public const int BindingInUse = 50416;
    public const int TooManyParticipants = 50417;
    public const int TooManyNonChatParticipants = 50422;
    public const int InvalidParticipantJson = 50424;
    public const int BulkBindingInUse = 50425;
    public const int TooManyBulkParticipants = 50426;
    public const int ConversationWithParticipantsFailed = 50427;
    public const int IdentityInUse = 50433;
    public const int ProjectedAddressRequired = 50434;
    public const int GroupParticipantExists = 50437;
    public const int ProjectedAddressOnBinding = 50443;
    public const int BodyTooLong = 50504;

    /// <summary>The media item is attached to another message already (also: deleting an attached item).</summary>
    public const int MediaAlreadyAttached = 50508;

    /// <summary>A MediaSid that is not an ME… SID, or names nothing uploaded to the conversation's service.</summary>
    public const int InvalidMediaSid = 50510;

    /// <summary>A media content type that is malformed, or that a channel of the conversation does not take.</summary>
    public const int InvalidMediaContentType = 50511;

    /// <summary>Media larger than a channel of the conversation takes.</summary>
    public const int MediaTooLarge = 50512;

    /// <summary>More media items than a channel takes in one message (Twilio: ten for MMS, one for WhatsApp).</summary>
    public const int TooManyMedia = 21623;

    /// <summary>Fetching a URL failed (Twilio's "HTTP retrieval failure"): recorded on inbound media that could not be fetched.</summary>
    public const int RetrievalFailed = 11200;

    /// <summary>A RoleSid that names no role of the service (Twilio's Chat code "Role not found").</summary>
    public const int RoleNotFound = 50100;

    /// <summary>A role of the wrong type or an unknown Type (Twilio's "Invalid role type").</summary>
    public const int InvalidRoleType = 50105;

    /// <summary>A participant's RoleSid that names no conversation role ("Conversation role not found").</summary>
    public const int ConversationRoleNotFound = 50109;

    /// <summary>A user with the identity exists in the service ("User already exists", 409).</summary>
    public const int UserExists = 50201;
    public const int InvalidContentVariables = 50527;

    /// <summary>Twilio's Access Token codes (20101–20107), for <c>X-Twilio-Token</c> callers (HTTP 401).</summary>
    public const int InvalidAccessToken = 20101;
    public const int InvalidAccessTokenHeader = 20102;
    public const int InvalidAccessTokenIssuer = 20103;
    public const int AccessTokenExpired = 20104;
    public const int AccessTokenNotYetValid = 20105;
    public const int InvalidAccessTokenGrants = 20106;
    public const int InvalidAccessTokenSignature = 20107;

    /// <summary>A user's role does not permit the command ("User not authorized for command", 403).</summary>
    public const int UserNotAuthorized = 50107;

    /// <summary>A user reads what it may not: a conversation it is not in ("User is not authorized to access the requested resource", 403).</summary>
    public const int UserCannotRead = 50531;

    /// <summary>The user's role lacks <paramref name="permission"/>: 403, <see cref="UserNotAuthorized"/>.</summary>
    public static EngineException NotPermitted(string permission) =>
        new(ErrorKind.Forbidden, UserNotAuthorized, $"User not authorized for command: the user's roles lack the {permission} permission");

    /// <summary>A command no user may give, whatever its roles (account credentials only): 403, <see cref="UserNotAuthorized"/>.</summary>
    public static EngineException AccountOnly(string what) =>
        new(ErrorKind.Forbidden, UserNotAuthorized, $"User not authorized for command: {what} needs the account's credentials");

    public static EngineException Invalid(int code, string message) => new(ErrorKind.Invalid, code, message);

    public static EngineException Invalid(string parameter, string reason) =>
        new(ErrorKind.Invalid, InvalidParameter, $"Invalid {parameter}: {reason}");

    public static EngineException Missing(string parameter) =>
        new(ErrorKind.Invalid, InvalidParameter, $"Missing required parameter {parameter} in the post body");

    public static EngineException Conflict(int code, string message) => new(ErrorKind.Conflict, code, message);

    public static EngineException Closed(int code, string message) => new(ErrorKind.Closed, code, message);

    /// <summary>The engine failed part-way through and undid what it had done (HTTP 500).</summary>
    public static EngineException Failed(int code, string message) => new(ErrorKind.Failed, code, message);

    /// <summary>The named thing (e.g. <c>"Conversation CH…"</c>) does not exist.</summary>
    public static EngineException Unknown(string what) => new(ErrorKind.NotFound, NotFound, $"{what} was not found");

    /// <summary>The body is larger than <paramref name="limit"/> bytes: 413, <see cref="PayloadTooLarge"/>.</summary>
    public static EngineException TooLarge(long limit) =>
        new(ErrorKind.PayloadTooLarge, PayloadTooLarge, $"The request body is larger than the {limit} bytes this endpoint accepts");

    /// <summary>
    /// Another writer took the same place in a conversation's log or feed at the same moment (two
    /// activations during a membership change): nothing was stored, and a retry is safe. 503.
    /// </summary>
    public static EngineException Contended(string what) =>
        new(ErrorKind.Unavailable, Internal, $"{what} was being written by another node at the same moment; nothing was stored; retry the request");

    /// <summary>The key came with another request before: 422, <see cref="IdempotencyKeyReused"/>.</summary>
    public static EngineException IdempotencyMismatch() =>
        new(ErrorKind.Unprocessable, IdempotencyKeyReused, "This Idempotency-Key was used with a different request (method, path or parameters); use a new key for a new request");

    /// <summary>The key's first request is still running: 409, <see cref="IdempotencyKeyInUse"/>; nothing was done.</summary>
    public static EngineException IdempotencyBusy() =>
        new(ErrorKind.Conflict, IdempotencyKeyInUse, "A request with this Idempotency-Key is still being carried out; retry the same request in a few seconds to get its outcome");

    /// <summary>Twilio's generic 403 code.</summary>
    public const int Forbidden = 20403;

    /// <summary>
    /// A pre-action hook (onMessageAdd…) answered 4xx or 5xx: nothing happened. Twilio documents no
    /// code of its own for this; the engine answers 403 with Twilio's generic 20403.
    /// </summary>
    public static EngineException RejectedByWebhook(string eventType, int? status) =>
        new(ErrorKind.Forbidden, Forbidden, $"Rejected by the {eventType} webhook" + (status is { } code ? $" (it answered {code})" : ""));
}
