using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;

namespace ConversationEngine.Api.Resources.Contracts;

// What the engine's operations on the connected Twilio account (/engine/v1/Twilio/…) take.

/// <summary>What <c>FetchTwilioNumberReceive</c> and <c>FetchTwilioServiceReceive</c> take.</summary>
public sealed record FetchTwilioReceiveRequest
{
    [FromRoute(Name = "Sid"), Required, Description("The Twilio SID of the number (PN…) or Messaging Service (MG…).")]
    public string? Sid { get; init; }
}

/// <summary>What <c>UpdateTwilioNumberReceive</c> and <c>UpdateTwilioServiceReceive</c> take.</summary>
public sealed record UpdateTwilioReceiveRequest
{
    [FromRoute(Name = "Sid"), Required, Description("The Twilio SID of the number (PN…) or Messaging Service (MG…).")]
    public string? Sid { get; init; }

    [FromForm(Name = "Enabled"), Required, AllowedValues("true", "false"), Description("true: Twilio sends the resource's inbound messages and status callbacks to the engine (its previous URLs are remembered); false: the previous URLs are put back.")]
    public string? Enabled { get; init; }
}

/// <summary>What <c>ListTwilioAvailablePhoneNumber</c> takes: Twilio's search of numbers for sale.</summary>
public sealed record ListTwilioAvailablePhoneNumberRequest
{
    [FromRoute(Name = "CountryCode"), Required, Description("The ISO-3166-1 country code of the country to search, such as US or JP.")]
    public string? CountryCode { get; init; }

    [FromRoute(Name = "Type"), Required, AllowedValues("Local", "Mobile", "TollFree"), Description("The kind of number: Local, Mobile or TollFree.")]
    public string? Type { get; init; }

    [FromQuery(Name = "AreaCode"), Description("The area code of the numbers to find (US and Canada).")]
    public int? AreaCode { get; init; }

    [FromQuery(Name = "Contains"), Description("A pattern the numbers must match: digits, letters and `*` for any digit.")]
    public string? Contains { get; init; }

    [FromQuery(Name = "SmsEnabled"), AllowedValues("true", "false"), Description("Only numbers that can (true) or cannot (false) receive text messages.")]
    public string? SmsEnabled { get; init; }

    [FromQuery(Name = "MmsEnabled"), AllowedValues("true", "false"), Description("Only numbers that can (true) or cannot (false) receive picture messages.")]
    public string? MmsEnabled { get; init; }

    [FromQuery(Name = "VoiceEnabled"), AllowedValues("true", "false"), Description("Only numbers that can (true) or cannot (false) receive calls.")]
    public string? VoiceEnabled { get; init; }

    [FromQuery(Name = "InRegion"), Description("Only numbers in this region (a US state or Canadian province, two letters).")]
    public string? InRegion { get; init; }

    [FromQuery(Name = "PageSize"), Range(1, 1000), Description("How many numbers to return. The default is 50, and the maximum is 1000.")]
    public int? PageSize { get; init; }
}

/// <summary>What <c>CreateTwilioIncomingPhoneNumber</c> takes: buy a number at Twilio.</summary>
public sealed record CreateTwilioIncomingPhoneNumberRequest
{
    [FromForm(Name = "PhoneNumber"), Required, Description("The number to buy, in E.164 format (+15017122661), as the search lists it.")]
    public string? PhoneNumber { get; init; }

    [FromForm(Name = "FriendlyName"), Description("A name for the number, up to 64 characters; the formatted number otherwise.")]
    public string? FriendlyName { get; init; }

    [FromForm(Name = "Receive"), AllowedValues("true", "false"), Description("true: switch receiving on at once (the number's inbound URL and status callback point at the engine).")]
    public string? Receive { get; init; }
}
