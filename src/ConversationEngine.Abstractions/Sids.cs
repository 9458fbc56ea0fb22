using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace ConversationEngine;

/// <summary>
/// Twilio resource identifiers: a two-letter prefix and 32 lowercase hex digits.
/// </summary>
public static class Sids
{
    public const string Account = "AC";
    public const string ApiKey = "SK";
    public const string ChatService = "IS";
    public const string Conversation = "CH";
    public const string Participant = "MB";
    public const string Message = "IM";
    public const string Media = "ME";
    public const string Role = "RL";
    public const string User = "US";
    public const string MessagingService = "MG";
    public const string Content = "HX";
    public const string Credential = "CR";
    public const string PushBinding = "BS";
    public const string AddressConfiguration = "IG";
    public const string DeliveryReceipt = "DY";
    public const string PhoneNumber = "PN";
    public const string ShortCode = "SC";
    public const string AlphaSender = "AI";

    /// <summary>A Messaging Service's channel sender (a WhatsApp or Messenger sender, Messaging v1 ChannelSenders).</summary>
    public const string ChannelSender = "XE";
    public const string Webhook = "WH";
    public const string StudioFlow = "FW";

    public static string New(string prefix)
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return prefix + Convert.ToHexStringLower(bytes);
    }

    public static bool IsValid(string? value, string prefix) =>
        value is { Length: 34 }
        && value.StartsWith(prefix, StringComparison.Ordinal)
        && IsHex(value.AsSpan(2));

    /// <summary>
    /// A message SID carries its conversation-scoped index in its last 8 hex digits, so a message is
    /// found in its page without an index that grows with the conversation. The other 24 digits are
    /// random, and a lookup checks the whole SID, so a guessed index alone finds nothing.
    /// </summary>
    /// <param name="reservation">
    /// 32 hex digits an idempotency key reserved: the random digits are its first 24, so every
    /// attempt of the request makes the same SID at the same index (null: random).
    /// </param>
    public static string NewMessage(long index, string? reservation = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, uint.MaxValue);
        Span<byte> bytes = stackalloc byte[16];
        if (reservation is null)
        {
            RandomNumberGenerator.Fill(bytes[..12]);
        }
        else
        {
            Convert.FromHexString(ReservedDigits(reservation), bytes[..12], out _, out _);
        }

        BinaryPrimitives.WriteUInt32BigEndian(bytes[12..], (uint)index);
        return Message + Convert.ToHexStringLower(bytes);
    }

    /// <summary>Whether the message SID was made from <paramref name="reservation"/> (<see cref="NewMessage"/>).</summary>
    public static bool IsReservedMessage(string messageSid, string reservation) =>
        IsValid(messageSid, Message) && messageSid.AsSpan(2, 24).SequenceEqual(ReservedDigits(reservation));

    /// <summary>A SID of the 32 hex digits an idempotency key reserved: every attempt of the request makes the same.</summary>
    public static string Reserved(string prefix, string reservation) =>
        reservation.Length == 32 && IsHex(reservation) ? prefix + reservation : throw new ArgumentException("A reservation is 32 hex digits", nameof(reservation));

    private static ReadOnlySpan<char> ReservedDigits(string reservation) =>
        reservation.Length == 32 && IsHex(reservation) ? reservation.AsSpan(0, 24) : throw new ArgumentException("A reservation is 32 hex digits", nameof(reservation));

    public static bool TryGetMessageIndex(string? sid, out long index)
    {
        index = -1;
        if (!IsValid(sid, Message))
        {
            return false;
        }

        index = uint.Parse(sid.AsSpan(26, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        return true;
    }

    private static bool IsHex(ReadOnlySpan<char> chars)
    {
        foreach (var c in chars)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
