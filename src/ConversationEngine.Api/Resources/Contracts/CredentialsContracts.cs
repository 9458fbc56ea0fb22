using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;

namespace ConversationEngine.Api.Resources.Contracts;

/// <summary>What <c>CreateCredential</c> (POST <c>/v1/Credentials</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record CreateCredentialRequest
{
    [FromForm(Name = "Type"), Required, AllowedValues("apn", "gcm", "fcm"), Description("The type of push-notification service the credential is for. Can be: `fcm`, `gcm`, or `apn`.")]
    public string? Type { get; init; }

    [FromForm(Name = "FriendlyName"), Description("A descriptive string that you create to describe the new resource. It can be up to 64 characters long.")]
    public string? FriendlyName { get; init; }

    [FromForm(Name = "Certificate"), Description("[APN only] The URL encoded representation of the certificate. For example, `-----BEGIN CERTIFICATE----- MIIFnTCCBIWgAwIBAgIIAjy9H849+E8wDQYJKoZIhvcNAQEF.....A== -----END CERTIFICATE-----`.")]
    public string? Certificate { get; init; }

    [FromForm(Name = "PrivateKey"), Description("[APN only] The URL encoded representation of the private key. For example, `-----BEGIN RSA PRIVATE KEY----- MIIEpQIBAAKCAQEAuyf/lNrH9ck8DmNyo3fG... -----END RSA PRIVATE KEY-----`.")]
    public string? PrivateKey { get; init; }

    [FromForm(Name = "Sandbox"), Description("[APN only] Whether to send the credential to sandbox APNs. Can be `true` to send to sandbox APNs or `false` to send to production.")]
    public bool? Sandbox { get; init; }

    [FromForm(Name = "ApiKey"), Description("[GCM only] The API key for the project that was obtained from the Google Developer console for your GCM Service application credential.")]
    public string? ApiKey { get; init; }

    [FromForm(Name = "Secret"), Description("[FCM only] The **Server key** of your project from the Firebase console, found under Settings / Cloud messaging.")]
    public string? Secret { get; init; }
}

/// <summary>What <c>ListCredential</c> (GET <c>/v1/Credentials</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record ListCredentialRequest
{
    [FromQuery(Name = "PageSize"), Range(1, 100), Description("How many resources to return in each list page. The default is 50, and the maximum is 100.")]
    public int? PageSize { get; init; }

    [FromQuery(Name = "Page"), Range(0, int.MaxValue), Description("The page index. This value is simply for client state.")]
    public int? Page { get; init; }

    [FromQuery(Name = "PageToken"), Description("The page token. This is provided by the API.")]
    public string? PageToken { get; init; }
}

/// <summary>What <c>UpdateCredential</c> (POST <c>/v1/Credentials/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record UpdateCredentialRequest
{
    [FromRoute(Name = "Sid"), Required, Description("A 34 character string that uniquely identifies this resource.")]
    public string? Sid { get; init; }

    [FromForm(Name = "Type"), AllowedValues("apn", "gcm", "fcm"), Description("The type of push-notification service the credential is for. Can be: `fcm`, `gcm`, or `apn`.")]
    public string? Type { get; init; }

    [FromForm(Name = "FriendlyName"), Description("A descriptive string that you create to describe the new resource. It can be up to 64 characters long.")]
    public string? FriendlyName { get; init; }

    [FromForm(Name = "Certificate"), Description("[APN only] The URL encoded representation of the certificate. For example, `-----BEGIN CERTIFICATE----- MIIFnTCCBIWgAwIBAgIIAjy9H849+E8wDQYJKoZIhvcNAQEF.....A== -----END CERTIFICATE-----`.")]
    public string? Certificate { get; init; }

    [FromForm(Name = "PrivateKey"), Description("[APN only] The URL encoded representation of the private key. For example, `-----BEGIN RSA PRIVATE KEY----- MIIEpQIBAAKCAQEAuyf/lNrH9ck8DmNyo3fG... -----END RSA PRIVATE KEY-----`.")]
    public string? PrivateKey { get; init; }

    [FromForm(Name = "Sandbox"), Description("[APN only] Whether to send the credential to sandbox APNs. Can be `true` to send to sandbox APNs or `false` to send to production.")]
    public bool? Sandbox { get; init; }

    [FromForm(Name = "ApiKey"), Description("[GCM only] The API key for the project that was obtained from the Google Developer console for your GCM Service application credential.")]
    public string? ApiKey { get; init; }

    [FromForm(Name = "Secret"), Description("[FCM only] The **Server key** of your project from the Firebase console, found under Settings / Cloud messaging.")]
    public string? Secret { get; init; }
}

/// <summary>What <c>DeleteCredential</c> (DELETE <c>/v1/Credentials/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record DeleteCredentialRequest
{
    [FromRoute(Name = "Sid"), Required, Description("A 34 character string that uniquely identifies this resource.")]
    public string? Sid { get; init; }
}

/// <summary>What <c>FetchCredential</c> (GET <c>/v1/Credentials/{Sid}</c>) takes, as Twilio's OpenAPI document names it.</summary>
public sealed record FetchCredentialRequest
{
    [FromRoute(Name = "Sid"), Required, Description("A 34 character string that uniquely identifies this resource.")]
    public string? Sid { get; init; }
}
