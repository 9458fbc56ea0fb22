using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;

namespace ConversationEngine.Api.Resources.Contracts;

/// <summary>What <c>FetchShortCode</c> (GET <c>/2010-04-01/Accounts/{AccountSid}/SMS/ShortCodes/{Sid}.json</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record FetchShortCodeRequest
{
    [FromRoute(Name = "AccountSid"), Required, Description("The SID of the [Account](https://www.twilio.com/docs/iam/api/account) that created the ShortCode resource(s) to fetch.")]
    public string? AccountSid { get; init; }

    [FromRoute(Name = "Sid"), Required, Description("The Twilio-provided string that uniquely identifies the ShortCode resource to fetch")]
    public string? Sid { get; init; }
}

/// <summary>What <c>UpdateShortCode</c> (POST <c>/2010-04-01/Accounts/{AccountSid}/SMS/ShortCodes/{Sid}.json</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record UpdateShortCodeRequest
{
    [FromRoute(Name = "AccountSid"), Required, Description("The SID of the [Account](https://www.twilio.com/docs/iam/api/account) that created the ShortCode resource(s) to update.")]
    public string? AccountSid { get; init; }

    [FromRoute(Name = "Sid"), Required, Description("The Twilio-provided string that uniquely identifies the ShortCode resource to update")]
    public string? Sid { get; init; }

    [FromForm(Name = "FriendlyName"), Description("A descriptive string that you created to describe this resource. It can be up to 64 characters long. By default, the `FriendlyName` is the short code.")]
    public string? FriendlyName { get; init; }

    [FromForm(Name = "ApiVersion"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The API version to use to start a new TwiML session. Can be: `2010-04-01` or `2008-08-01`.")]
    public string? ApiVersion { get; init; }

    [FromForm(Name = "SmsUrl"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The URL we should call when receiving an incoming SMS message to this short code.")]
    public string? SmsUrl { get; init; }

    [FromForm(Name = "SmsMethod"), AllowedValues("GET", "POST"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The HTTP method we should use when calling the `sms_url`. Can be: `GET` or `POST`.")]
    public string? SmsMethod { get; init; }

    [FromForm(Name = "SmsFallbackUrl"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The URL that we should call if an error occurs while retrieving or executing the TwiML from `sms_url`.")]
    public string? SmsFallbackUrl { get; init; }

    [FromForm(Name = "SmsFallbackMethod"), AllowedValues("GET", "POST"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The HTTP method that we should use to call the `sms_fallback_url`. Can be: `GET` or `POST`.")]
    public string? SmsFallbackMethod { get; init; }

    [FromForm(Name = "Mps"), Description("Engine extension: the sender's throughput in messages per second, which the engine's sending pace respects.")]
    public double? Mps { get; init; }
}

/// <summary>What <c>ListShortCode</c> (GET <c>/2010-04-01/Accounts/{AccountSid}/SMS/ShortCodes.json</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record ListShortCodeRequest
{
    [FromRoute(Name = "AccountSid"), Required, Description("The SID of the [Account](https://www.twilio.com/docs/iam/api/account) that created the ShortCode resource(s) to read.")]
    public string? AccountSid { get; init; }

    [FromQuery(Name = "FriendlyName"), Description("The string that identifies the ShortCode resources to read.")]
    public string? FriendlyName { get; init; }

    [FromQuery(Name = "ShortCode"), Description("Only show the ShortCode resources that match this pattern. You can specify partial numbers and use '*' as a wildcard for any digit.")]
    public string? ShortCode { get; init; }

    [FromQuery(Name = "PageSize"), Range(1, 1000), Description("How many resources to return in each list page. The default is 50, and the maximum is 1000.")]
    public int? PageSize { get; init; }

    [FromQuery(Name = "Page"), Range(0, int.MaxValue), Description("The page index. This value is simply for client state.")]
    public int? Page { get; init; }

    [FromQuery(Name = "PageToken"), Description("The page token. This is provided by the API.")]
    public string? PageToken { get; init; }
}
