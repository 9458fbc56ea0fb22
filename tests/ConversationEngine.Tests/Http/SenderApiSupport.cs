using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using ConversationEngine.Tests.Support;

namespace ConversationEngine.Tests.Http;

/// <summary>Fresh numbers and registrations for sender tests sharing one engine (and so one account registry).</summary>
internal static class SenderApiSupport
{
    public const string NumbersPath = $"/2010-04-01/Accounts/{EngineHost.AccountSid}/IncomingPhoneNumbers";
    public const string ShortCodesPath = $"/2010-04-01/Accounts/{EngineHost.AccountSid}/SMS/ShortCodes";

    /// <summary>A San Francisco number nobody else in the run has.</summary>
    public static string UsNumber() => "+1415" + Digits(7);

    /// <summary>A Tokyo landline.</summary>
    public static string JapaneseNumber() => "+813" + Digits(8);

    public static string ShortCode() => "8" + Digits(5);

    public static async Task<JsonObject> RegisterNumberAsync(this HttpClient client, string number, params (string Name, string Value)[] extra) =>
        await client.PostFormAsync(NumbersPath + ".json", [("PhoneNumber", number), .. extra]).ExpectAsync(HttpStatusCode.Created);

    public static async Task<JsonObject> RegisterShortCodeAsync(this HttpClient client, string code, string country = "US") =>
        await client.PostFormAsync(ShortCodesPath + ".json", ("ShortCode", code), ("IsoCountry", country)).ExpectAsync(HttpStatusCode.Created);

    public static async Task<string> NewServiceAsync(this HttpClient client, params (string Name, string Value)[] settings)
    {
        var created = await client.PostFormAsync("/messaging/v1/Services", [("FriendlyName", "pool " + Digits(6)), .. settings])
            .ExpectAsync(HttpStatusCode.Created);
        return (string)created["sid"]!;
    }

    private static string Digits(int count) =>
        string.Concat(Enumerable.Range(0, count).Select(_ => RandomNumberGenerator.GetInt32(10).ToString(CultureInfo.InvariantCulture)));
}
