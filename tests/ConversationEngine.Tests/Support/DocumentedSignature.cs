namespace ConversationEngine.Tests.Support;

/// <summary>Twilio's worked example of <c>X-Twilio-Signature</c> (docs: usage/security, "Validating requests").</summary>
public static class DocumentedSignature
{
    public const string Token = "12345";
    public const string Url = "https://example.com/myapp.php?foo=1&bar=2";
    public const string Signature = "L/OH5YylLD5NRKLltdqwSvS0BnU=";

    public static readonly KeyValuePair<string, string>[] Parameters =
    [
        new("CallSid", "CA1234567890ABCDE"),
        new("Caller", "+14158675310"),
        new("Digits", "1234"),
        new("From", "+14158675310"),
        new("To", "+18005551212"),
    ];
}
