using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;

namespace ConversationEngine.Api.Resources.Contracts;

/// <summary>What <c>UpdateIncomingPhoneNumber</c> (POST <c>/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record UpdateIncomingPhoneNumberRequest
{
    [FromRoute(Name = "AccountSid"), Required, Description("The SID of the [Account](https://www.twilio.com/docs/iam/api/account) that created the IncomingPhoneNumber resource to update. For more information, see [Exchanging Numbers Between Subaccounts](https://www.twilio.com/docs/iam/api/subaccounts#exchanging-numbers).")]
    public string? AccountSid { get; init; }

    [FromRoute(Name = "Sid"), Required, Description("The Twilio-provided string that uniquely identifies the IncomingPhoneNumber resource to update.")]
    public string? Sid { get; init; }

    [FromForm(Name = "AccountSid"), Description("The SID of the [Account](https://www.twilio.com/docs/iam/api/account) that created the IncomingPhoneNumber resource to update. For more information, see [Exchanging Numbers Between Subaccounts](https://www.twilio.com/docs/iam/api/subaccounts#exchanging-numbers).")]
    public string? NewAccountSid { get; init; }

    [FromForm(Name = "ApiVersion"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The API version to use for incoming calls made to the phone number. The default is `2010-04-01`.")]
    public string? ApiVersion { get; init; }

    [FromForm(Name = "FriendlyName"), Description("A descriptive string that you created to describe this phone number. It can be up to 64 characters long. By default, this is a formatted version of the phone number.")]
    public string? FriendlyName { get; init; }

    [FromForm(Name = "SmsApplicationSid"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The SID of the application that should handle SMS messages sent to the number. If an `sms_application_sid` is present, we ignore all of the `sms_*_url` urls and use those set on the application.")]
    public string? SmsApplicationSid { get; init; }

    [FromForm(Name = "SmsFallbackMethod"), AllowedValues("GET", "POST"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The HTTP method that we should use to call `sms_fallback_url`. Can be: `GET` or `POST` and defaults to `POST`.")]
    public string? SmsFallbackMethod { get; init; }

    [FromForm(Name = "SmsFallbackUrl"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The URL that we should call when an error occurs while requesting or executing the TwiML defined by `sms_url`.")]
    public string? SmsFallbackUrl { get; init; }

    [FromForm(Name = "SmsMethod"), AllowedValues("GET", "POST"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The HTTP method that we should use to call `sms_url`. Can be: `GET` or `POST` and defaults to `POST`.")]
    public string? SmsMethod { get; init; }

    [FromForm(Name = "SmsUrl"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The URL we should call when the phone number receives an incoming SMS message.")]
    public string? SmsUrl { get; init; }

    [FromForm(Name = "StatusCallback"), Description("The URL we should call using the `status_callback_method` to send status information to your application.")]
    public string? StatusCallback { get; init; }

    [FromForm(Name = "StatusCallbackMethod"), AllowedValues("GET", "POST"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The HTTP method we should use to call `status_callback`. Can be: `GET` or `POST` and defaults to `POST`.")]
    public string? StatusCallbackMethod { get; init; }

    [FromForm(Name = "VoiceApplicationSid"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The SID of the application we should use to handle phone calls to the phone number. If a `voice_application_sid` is present, we ignore all of the voice urls and use only those set on the application. Setting a `voice_application_sid` will automatically delete your `trunk_sid` and vice versa.")]
    public string? VoiceApplicationSid { get; init; }

    [FromForm(Name = "VoiceCallerIdLookup"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). Whether to lookup the caller's name from the CNAM database and post it to your app. Can be: `true` or `false` and defaults to `false`.")]
    public bool? VoiceCallerIdLookup { get; init; }

    [FromForm(Name = "VoiceFallbackMethod"), AllowedValues("GET", "POST"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The HTTP method that we should use to call `voice_fallback_url`. Can be: `GET` or `POST` and defaults to `POST`.")]
    public string? VoiceFallbackMethod { get; init; }

    [FromForm(Name = "VoiceFallbackUrl"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The URL that we should call when an error occurs retrieving or executing the TwiML requested by `url`.")]
    public string? VoiceFallbackUrl { get; init; }

    [FromForm(Name = "VoiceMethod"), AllowedValues("GET", "POST"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The HTTP method that we should use to call `voice_url`. Can be: `GET` or `POST` and defaults to `POST`.")]
    public string? VoiceMethod { get; init; }

    [FromForm(Name = "VoiceUrl"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The URL that we should call to answer a call to the phone number. The `voice_url` will not be called if a `voice_application_sid` or a `trunk_sid` is set.")]
    public string? VoiceUrl { get; init; }

    [FromForm(Name = "EmergencyStatus"), AllowedValues("Active", "Inactive"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The parameter displays if emergency calling is enabled for this number. Active numbers may place emergency calls by dialing valid emergency numbers for the country.")]
    public string? EmergencyStatus { get; init; }

    [FromForm(Name = "EmergencyAddressSid"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The SID of the emergency address configuration to use for emergency calling from this phone number.")]
    public string? EmergencyAddressSid { get; init; }

    [FromForm(Name = "TrunkSid"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The SID of the Trunk we should use to handle phone calls to the phone number. If a `trunk_sid` is present, we ignore all of the voice urls and voice applications and use only those set on the Trunk. Setting a `trunk_sid` will automatically delete your `voice_application_sid` and vice versa.")]
    public string? TrunkSid { get; init; }

    [FromForm(Name = "VoiceReceiveMode"), AllowedValues("voice", "fax")]
    public string? VoiceReceiveMode { get; init; }

    [FromForm(Name = "IdentitySid"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The SID of the Identity resource that we should associate with the phone number. Some regions require an identity to meet local regulations.")]
    public string? IdentitySid { get; init; }

    [FromForm(Name = "AddressSid"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The SID of the Address resource we should associate with the phone number. Some regions require addresses to meet local regulations.")]
    public string? AddressSid { get; init; }

    [FromForm(Name = "BundleSid"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The SID of the Bundle resource that you associate with the phone number. Some regions require a Bundle to meet local Regulations.")]
    public string? BundleSid { get; init; }

    [FromForm(Name = "Capabilities"), Description("Engine extension: the channels this sender serves (sms, mms, whatsapp), repeated or comma-separated; the engine picks senders by them.")]
    public IReadOnlyList<string>? Capabilities { get; init; }

    [FromForm(Name = "Mps"), Description("Engine extension: the sender's throughput in messages per second, which the engine's sending pace respects.")]
    public double? Mps { get; init; }
}

/// <summary>What <c>FetchIncomingPhoneNumber</c> (GET <c>/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record FetchIncomingPhoneNumberRequest
{
    [FromRoute(Name = "AccountSid"), Required, Description("The SID of the [Account](https://www.twilio.com/docs/iam/api/account) that created the IncomingPhoneNumber resource to fetch.")]
    public string? AccountSid { get; init; }

    [FromRoute(Name = "Sid"), Required, Description("The Twilio-provided string that uniquely identifies the IncomingPhoneNumber resource to fetch.")]
    public string? Sid { get; init; }
}

/// <summary>What <c>DeleteIncomingPhoneNumber</c> (DELETE <c>/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record DeleteIncomingPhoneNumberRequest
{
    [FromRoute(Name = "AccountSid"), Required, Description("The SID of the [Account](https://www.twilio.com/docs/iam/api/account) that created the IncomingPhoneNumber resources to delete.")]
    public string? AccountSid { get; init; }

    [FromRoute(Name = "Sid"), Required, Description("The Twilio-provided string that uniquely identifies the IncomingPhoneNumber resource to delete.")]
    public string? Sid { get; init; }
}

/// <summary>What <c>ListIncomingPhoneNumber</c> (GET <c>/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record ListIncomingPhoneNumberRequest
{
    [FromRoute(Name = "AccountSid"), Required, Description("The SID of the [Account](https://www.twilio.com/docs/iam/api/account) that created the IncomingPhoneNumber resources to read.")]
    public string? AccountSid { get; init; }

    [FromQuery(Name = "Beta"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). Whether to include phone numbers new to the Twilio platform. Can be: `true` or `false` and the default is `true`.")]
    public bool? Beta { get; init; }

    [FromQuery(Name = "FriendlyName"), Description("A string that identifies the IncomingPhoneNumber resources to read.")]
    public string? FriendlyName { get; init; }

    [FromQuery(Name = "PhoneNumber"), Description("The phone numbers of the IncomingPhoneNumber resources to read. You can specify partial numbers and use '*' as a wildcard for any digit.")]
    public string? PhoneNumber { get; init; }

    [FromQuery(Name = "Origin"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). Whether to include phone numbers based on their origin. Can be: `twilio` or `hosted`. By default, phone numbers of all origin are included.")]
    public string? Origin { get; init; }

    [FromQuery(Name = "PageSize"), Range(1, 1000), Description("How many resources to return in each list page. The default is 50, and the maximum is 1000.")]
    public int? PageSize { get; init; }

    [FromQuery(Name = "Page"), Range(0, int.MaxValue), Description("The page index. This value is simply for client state.")]
    public int? Page { get; init; }

    [FromQuery(Name = "PageToken"), Description("The page token. This is provided by the API.")]
    public string? PageToken { get; init; }
}

/// <summary>What <c>CreateIncomingPhoneNumber</c> (POST <c>/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record CreateIncomingPhoneNumberRequest
{
    [FromRoute(Name = "AccountSid"), Required, Description("The SID of the [Account](https://www.twilio.com/docs/iam/api/account) that will create the resource.")]
    public string? AccountSid { get; init; }

    [FromForm(Name = "ApiVersion"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The API version to use for incoming calls made to the new phone number. The default is `2010-04-01`.")]
    public string? ApiVersion { get; init; }

    [FromForm(Name = "FriendlyName"), Description("A descriptive string that you created to describe the new phone number. It can be up to 64 characters long. By default, this is a formatted version of the new phone number.")]
    public string? FriendlyName { get; init; }

    [FromForm(Name = "SmsApplicationSid"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The SID of the application that should handle SMS messages sent to the new phone number. If an `sms_application_sid` is present, we ignore all of the `sms_*_url` urls and use those set on the application.")]
    public string? SmsApplicationSid { get; init; }

    [FromForm(Name = "SmsFallbackMethod"), AllowedValues("GET", "POST"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The HTTP method that we should use to call `sms_fallback_url`. Can be: `GET` or `POST` and defaults to `POST`.")]
    public string? SmsFallbackMethod { get; init; }

    [FromForm(Name = "SmsFallbackUrl"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The URL that we should call when an error occurs while requesting or executing the TwiML defined by `sms_url`.")]
    public string? SmsFallbackUrl { get; init; }

    [FromForm(Name = "SmsMethod"), AllowedValues("GET", "POST"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The HTTP method that we should use to call `sms_url`. Can be: `GET` or `POST` and defaults to `POST`.")]
    public string? SmsMethod { get; init; }

    [FromForm(Name = "SmsUrl"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The URL we should call when the new phone number receives an incoming SMS message.")]
    public string? SmsUrl { get; init; }

    [FromForm(Name = "StatusCallback"), Description("The URL we should call using the `status_callback_method` to send status information to your application.")]
    public string? StatusCallback { get; init; }

    [FromForm(Name = "StatusCallbackMethod"), AllowedValues("GET", "POST"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The HTTP method we should use to call `status_callback`. Can be: `GET` or `POST` and defaults to `POST`.")]
    public string? StatusCallbackMethod { get; init; }

    [FromForm(Name = "VoiceApplicationSid"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The SID of the application we should use to handle calls to the new phone number. If a `voice_application_sid` is present, we ignore all of the voice urls and use only those set on the application. Setting a `voice_application_sid` will automatically delete your `trunk_sid` and vice versa.")]
    public string? VoiceApplicationSid { get; init; }

    [FromForm(Name = "VoiceCallerIdLookup"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). Whether to lookup the caller's name from the CNAM database and post it to your app. Can be: `true` or `false` and defaults to `false`.")]
    public bool? VoiceCallerIdLookup { get; init; }

    [FromForm(Name = "VoiceFallbackMethod"), AllowedValues("GET", "POST"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The HTTP method that we should use to call `voice_fallback_url`. Can be: `GET` or `POST` and defaults to `POST`.")]
    public string? VoiceFallbackMethod { get; init; }

    [FromForm(Name = "VoiceFallbackUrl"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The URL that we should call when an error occurs retrieving or executing the TwiML requested by `url`.")]
    public string? VoiceFallbackUrl { get; init; }

    [FromForm(Name = "VoiceMethod"), AllowedValues("GET", "POST"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The HTTP method that we should use to call `voice_url`. Can be: `GET` or `POST` and defaults to `POST`.")]
    public string? VoiceMethod { get; init; }

    [FromForm(Name = "VoiceUrl"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The URL that we should call to answer a call to the new phone number. The `voice_url` will not be called if a `voice_application_sid` or a `trunk_sid` is set.")]
    public string? VoiceUrl { get; init; }

    [FromForm(Name = "EmergencyStatus"), AllowedValues("Active", "Inactive"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The parameter displays if emergency calling is enabled for this number. Active numbers may place emergency calls by dialing valid emergency numbers for the country.")]
    public string? EmergencyStatus { get; init; }

    [FromForm(Name = "EmergencyAddressSid"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The SID of the emergency address configuration to use for emergency calling from the new phone number.")]
    public string? EmergencyAddressSid { get; init; }

    [FromForm(Name = "TrunkSid"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The SID of the Trunk we should use to handle calls to the new phone number. If a `trunk_sid` is present, we ignore all of the voice urls and voice applications and use only those set on the Trunk. Setting a `trunk_sid` will automatically delete your `voice_application_sid` and vice versa.")]
    public string? TrunkSid { get; init; }

    [FromForm(Name = "IdentitySid"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The SID of the Identity resource that we should associate with the new phone number. Some regions require an identity to meet local regulations.")]
    public string? IdentitySid { get; init; }

    [FromForm(Name = "AddressSid"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The SID of the Address resource we should associate with the new phone number. Some regions require addresses to meet local regulations.")]
    public string? AddressSid { get; init; }

    [FromForm(Name = "VoiceReceiveMode"), AllowedValues("voice", "fax")]
    public string? VoiceReceiveMode { get; init; }

    [FromForm(Name = "BundleSid"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The SID of the Bundle resource that you associate with the phone number. Some regions require a Bundle to meet local Regulations.")]
    public string? BundleSid { get; init; }

    [FromForm(Name = "PhoneNumber"), Description("The phone number to purchase specified in [E.164](https://www.twilio.com/docs/glossary/what-e164) format. E.164 phone numbers consist of a + followed by the country code and subscriber number without punctuation characters. For example, +14155551234.")]
    public string? PhoneNumber { get; init; }

    [FromForm(Name = "AreaCode"), Description("Accepted for compatibility; not used by the engine (voice, addresses and webhooks stay in Twilio). The desired area code for your new incoming phone number. Can be any three-digit, US or Canada area code. We will provision an available phone number within this area code for you. **You must provide an `area_code` or a `phone_number`.** (US and Canada only).")]
    public string? AreaCode { get; init; }

    [FromForm(Name = "Capabilities"), Description("Engine extension: the channels this sender serves (sms, mms, whatsapp), repeated or comma-separated; the engine picks senders by them.")]
    public IReadOnlyList<string>? Capabilities { get; init; }

    [FromForm(Name = "Mps"), Description("Engine extension: the sender's throughput in messages per second, which the engine's sending pace respects.")]
    public double? Mps { get; init; }
}
