using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PhoneNumbers;

namespace ConversationEngine.Tests.Support;

/// <summary>
/// The account side of Twilio's REST API, as a feature that connects a real Twilio account touches it:
/// Api v2010 IncomingPhoneNumbers (list, fetch, update, buy, release), AvailablePhoneNumbers (countries,
/// Local, Mobile, TollFree), SMS/ShortCodes; Messaging v1 Services with their sender pool (PhoneNumbers,
/// ShortCodes, AlphaSenders, ChannelSenders). State lives in memory, under the stand-in's lock.
/// </summary>
/// <remarks>
/// Every request to these paths is checked against Twilio's published OpenAPI documents
/// (<see cref="TwilioOpenApi"/>): path, query and form parameters (declared, exact names, types, enums,
/// patterns, <c>format: uri</c>, required fields). A request that breaks them is answered 400 with code
/// 20001 and recorded in <see cref="SpecViolations"/>; so is every property of the stand-in's own answers
/// that the operation's response schema does not declare (the answer is still sent). Order of checks:
/// credentials (401, 20003), the operation being served (404), the account in the path (404, 20404),
/// the spec (400, 20001), then the resource's state (404 20404; buying: 400 21421 for a number not in
/// E.164, 21422 for one not for sale, 21452 for an area code with none). Choices where Twilio's exact
/// answer is not documented: a sender already in another service's pool is refused 409 with 21712.
/// Both hosts' paths are served on the one port: <c>/2010-04-01/…</c> (api.twilio.com) and
/// <c>/v1/…</c> (messaging.twilio.com); v1 page URLs are absolute on messaging.twilio.com, as Twilio
/// gives them, so a client must rewrite that host (Twilio's library, through the engine's handler, does).
/// Not modelled: NearNumber/NearLatLong/Distance searches (accepted, ignored), subaccounts and the
/// AccountSid transfer field (accepted, ignored), the *_application_sid/trunk routing precedence.
/// </remarks>
public sealed partial class TwilioStandIn
{
    private const string Accounts = "/2010-04-01/Accounts/{AccountSid}";
    private const string MessagingHost = "https://messaging.twilio.com";
    private const int DefaultPageSize = 50;

    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    private readonly List<StandInIncomingNumber> incomingNumbers = [];
    private readonly List<StandInShortCode> shortCodes = [];
    private readonly List<StandInMessagingService> messagingServices = [];
    private readonly List<PoolMember> poolMembers = [];
    private readonly List<StandInAlphaSender> alphaSenders = [];
    private readonly List<StandInChannelSender> channelSenders = [];
    private readonly List<StandInAvailableNumber> inventory = [];
    private readonly List<StandInAccountRequest> accountRequests = [];
    private readonly List<SpecViolation> specViolations = [];

    /// <summary>Every request to the account API (numbers, short codes, services…), in the order answered.</summary>
    public IReadOnlyList<StandInAccountRequest> AccountRequests
    {
        get
        {
            lock (gate)
            {
                return accountRequests.ToArray();
            }
        }
    }

    /// <summary>Every breach of Twilio's OpenAPI documents seen so far: by requests (answered 400) and by the stand-in's own answers.</summary>
    public IReadOnlyList<SpecViolation> SpecViolations
    {
        get
        {
            lock (gate)
            {
                return specViolations.ToArray();
            }
        }
    }

    /// <summary>The account's phone numbers, in the order they were added or bought.</summary>
    public IReadOnlyList<StandInIncomingNumber> IncomingNumbers
    {
        get
        {
            lock (gate)
            {
                return incomingNumbers.ToArray();
            }
        }
    }

    /// <summary>The account's short codes.</summary>
    public IReadOnlyList<StandInShortCode> ShortCodes
    {
        get
        {
            lock (gate)
            {
                return shortCodes.ToArray();
            }
        }
    }

    /// <summary>The account's Messaging Services.</summary>
    public IReadOnlyList<StandInMessagingService> MessagingServices
    {
        get
        {
            lock (gate)
            {
                return messagingServices.ToArray();
            }
        }
    }

    /// <summary>The numbers still for sale (bought ones leave the inventory).</summary>
    public IReadOnlyList<StandInAvailableNumber> AvailableNumbers
    {
        get
        {
            lock (gate)
            {
                return inventory.ToArray();
            }
        }
    }

    /// <summary>Adds a phone number to the account, as if bought earlier; returns its SID (<c>PN…</c>).</summary>
    public string AddIncomingNumber(
        string e164, bool sms = true, bool mms = true, bool voice = true, string? friendlyName = null, string? smsUrl = null, string? statusCallback = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(e164);
        var now = Now();
        var number = new StandInIncomingNumber
        {
            Sid = NewSid("PN"),
            PhoneNumber = e164,
            FriendlyName = friendlyName ?? DefaultFriendlyName(e164),
            Sms = sms,
            Mms = mms,
            Voice = voice,
            SmsUrl = smsUrl,
            StatusCallback = statusCallback,
            DateCreated = now,
            DateUpdated = now,
        };
        lock (gate)
        {
            incomingNumbers.Add(number);
        }

        return number.Sid;
    }

    /// <summary>Releases a number on Twilio's side (it leaves the account and every sender pool); false when unknown.</summary>
    public bool RemoveIncomingNumber(string sid)
    {
        lock (gate)
        {
            poolMembers.RemoveAll(m => m.Sid == sid);
            return incomingNumbers.RemoveAll(n => n.Sid == sid) > 0;
        }
    }

    /// <summary>The number's current state (what the engine set through the API included); null when unknown.</summary>
    public StandInIncomingNumber? IncomingNumber(string sid)
    {
        lock (gate)
        {
            return incomingNumbers.Find(n => n.Sid == sid);
        }
    }

    /// <summary>Changes a number on Twilio's side (as in Twilio's console); false when unknown.</summary>
    public bool ChangeIncomingNumber(string sid, Func<StandInIncomingNumber, StandInIncomingNumber> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (gate)
        {
            var index = incomingNumbers.FindIndex(n => n.Sid == sid);
            if (index < 0)
            {
                return false;
            }

            incomingNumbers[index] = change(incomingNumbers[index]) with { Sid = sid, DateUpdated = Now() };
            return true;
        }
    }

    /// <summary>Adds a short code to the account; returns its SID (<c>SC…</c>).</summary>
    public string AddShortCode(string shortCode, string? friendlyName = null, string? smsUrl = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(shortCode);
        var now = Now();
        var code = new StandInShortCode
        {
            Sid = NewSid("SC"),
            ShortCode = shortCode,
            FriendlyName = friendlyName ?? shortCode,
            SmsUrl = smsUrl,
            DateCreated = now,
            DateUpdated = now,
        };
        lock (gate)
        {
            shortCodes.Add(code);
        }

        return code.Sid;
    }

    /// <summary>Removes a short code from the account and every sender pool; false when unknown.</summary>
    public bool RemoveShortCode(string sid)
    {
        lock (gate)
        {
            poolMembers.RemoveAll(m => m.Sid == sid);
            return shortCodes.RemoveAll(s => s.Sid == sid) > 0;
        }
    }

    /// <summary>The short code's current state; null when unknown.</summary>
    public StandInShortCode? ShortCode(string sid)
    {
        lock (gate)
        {
            return shortCodes.Find(s => s.Sid == sid);
        }
    }

    /// <summary>Creates a Messaging Service; returns its SID (<c>MG…</c>).</summary>
    public string AddMessagingService(string friendlyName, string? inboundRequestUrl = null, bool useInboundWebhookOnNumber = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(friendlyName);
        var now = Now();
        var service = new StandInMessagingService
        {
            Sid = NewSid("MG"),
            FriendlyName = friendlyName,
            InboundRequestUrl = inboundRequestUrl,
            UseInboundWebhookOnNumber = useInboundWebhookOnNumber,
            DateCreated = now,
            DateUpdated = now,
        };
        lock (gate)
        {
            messagingServices.Add(service);
        }

        return service.Sid;
    }

    /// <summary>Deletes a Messaging Service on Twilio's side, its sender pool with it; false when unknown.</summary>
    public bool RemoveService(string serviceSid)
    {
        lock (gate)
        {
            return DeleteServiceLocked(serviceSid);
        }
    }

    /// <summary>The service's current settings; null when unknown.</summary>
    public StandInMessagingService? MessagingService(string serviceSid)
    {
        lock (gate)
        {
            return messagingServices.Find(s => s.Sid == serviceSid);
        }
    }

    /// <summary>Changes a service on Twilio's side (as in Twilio's console); false when unknown.</summary>
    public bool ChangeMessagingService(string serviceSid, Func<StandInMessagingService, StandInMessagingService> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (gate)
        {
            var index = messagingServices.FindIndex(s => s.Sid == serviceSid);
            if (index < 0)
            {
                return false;
            }

            messagingServices[index] = change(messagingServices[index]) with { Sid = serviceSid, DateUpdated = Now() };
            return true;
        }
    }

    /// <summary>Puts one of the account's numbers (<c>PN…</c>) or short codes (<c>SC…</c>) in a service's sender pool.</summary>
    /// <exception cref="InvalidOperationException">The service or sender is unknown, or the sender is in another service's pool.</exception>
    public void AddToService(string serviceSid, string senderSid)
    {
        lock (gate)
        {
            if (AddToPoolLocked(serviceSid, senderSid) is { } problem)
            {
                throw new InvalidOperationException(problem.Message);
            }
        }
    }

    /// <summary>The SIDs (<c>PN…</c>, <c>SC…</c>) in a service's sender pool, in the order added.</summary>
    public IReadOnlyList<string> ServiceSenders(string serviceSid)
    {
        lock (gate)
        {
            return poolMembers.Where(m => m.ServiceSid == serviceSid).Select(m => m.Sid).ToArray();
        }
    }

    /// <summary>Adds an alphanumeric sender ID to a service; returns its SID (<c>AI…</c>).</summary>
    public string AddAlphaSender(string serviceSid, string alphaSender)
    {
        ArgumentException.ThrowIfNullOrEmpty(alphaSender);
        lock (gate)
        {
            RequireService(serviceSid);
            var now = Now();
            var sender = new StandInAlphaSender(NewSid("AI"), serviceSid, alphaSender, now);
            alphaSenders.Add(sender);
            return sender.Sid;
        }
    }

    /// <summary>Adds a channel sender (<c>whatsapp:+15017122661</c>) to a service; returns its SID (<c>XE…</c>).</summary>
    public string AddChannelSender(string serviceSid, string sender)
    {
        ArgumentException.ThrowIfNullOrEmpty(sender);
        lock (gate)
        {
            RequireService(serviceSid);
            var colon = sender.IndexOf(':', StringComparison.Ordinal);
            var channel = colon < 0 ? "sms" : sender[..colon];
            var address = colon < 0 ? sender : sender[(colon + 1)..];
            var senderType = channel.ToUpperInvariant() switch
            {
                "WHATSAPP" => "WhatsApp",
                "MESSENGER" => "Messenger",
                "RCS" => "RCS",
                _ => channel,
            };
            var created = new StandInChannelSender(NewSid("XE"), serviceSid, sender, senderType, CountryOf(address), Now());
            channelSenders.Add(created);
            return created.Sid;
        }
    }

    /// <summary>Puts a number up for sale in <paramref name="countryCode"/> (ISO, <c>US</c>) under <paramref name="type"/>.</summary>
    public void AddAvailableNumber(
        string countryCode,
        StandInNumberType type,
        string e164,
        bool sms = true,
        bool mms = true,
        bool voice = true,
        bool fax = false,
        string? region = null,
        string? locality = null,
        string? postalCode = null,
        bool beta = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(countryCode);
        ArgumentException.ThrowIfNullOrEmpty(e164);
        lock (gate)
        {
            inventory.Add(new StandInAvailableNumber(
                countryCode.ToUpperInvariant(), type, e164, DefaultFriendlyName(e164), sms, mms, voice, fax, region, locality, postalCode, beta));
        }
    }

    /// <summary>
    /// Puts a Japanese local number (Tokyo) up for sale with voice only, as Twilio's Japanese numbers are:
    /// no SMS, no MMS. Returns the number.
    /// </summary>
    public string SeedJapaneseVoiceOnlyNumber(string e164 = "+81345678901")
    {
        AddAvailableNumber("JP", StandInNumberType.Local, e164, sms: false, mms: false, voice: true, region: "Tokyo", locality: "Tokyo");
        return e164;
    }

    private void MapAccountApi(WebApplication web)
    {
        string[] methods = ["GET", "POST", "DELETE"];
        web.MapMethods("/2010-04-01/Accounts/{accountSid}/{**rest}", methods, (RequestDelegate)AccountApiAsync);
        web.MapMethods("/v1/{**rest}", methods, (RequestDelegate)AccountApiAsync);
    }

    private async Task AccountApiAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        var query = request.Query.SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v ?? string.Empty))).ToList();
        var form = await ReadFormAsync(request);
        var hasBody = request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0;
        var authorization = request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null;

        var answer = Answer(request.Method, path, query, form, request.HasFormContentType, hasBody, authorization);
        if (answer.Status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"Twilio API\"";
        }

        if (answer.Code is { } code)
        {
            await WriteErrorAsync(context, answer.Status, code, answer.Message ?? "Error");
        }
        else
        {
            context.Response.StatusCode = answer.Status;
            if (answer.Body is not null)
            {
                context.Response.ContentType = "application/json; charset=utf-8";
                await context.Response.WriteAsync(answer.Body.ToJsonString(), context.RequestAborted);
            }
        }

        lock (gate)
        {
            accountRequests.Add(new StandInAccountRequest(request.Method, path, query, form, answer.Status));
        }

        Signal();
    }

    private AccountAnswer Answer(
        string method,
        string path,
        List<KeyValuePair<string, string>> query,
        List<KeyValuePair<string, string>> form,
        bool formContent,
        bool hasBody,
        string? authorization)
    {
        List<(string Where, string Parameter, string Rule)> problems = [];
        lock (gate)
        {
            if (!IsAuthenticated(authorization))
            {
                return AccountAnswer.Error(StatusCodes.Status401Unauthorized, 20003, "Authenticate");
            }
        }

        var operation = TwilioOpenApi.ForPath(path)?.Find(method, path);
        if (operation is null || !Served.Contains($"{method.ToUpperInvariant()} {operation.Template}"))
        {
            return operation?.Operation is null && operation is not null && Served.Any(s => s.EndsWith(" " + operation.Template, StringComparison.Ordinal))
                ? Refuse(AccountAnswer.Error(StatusCodes.Status405MethodNotAllowed, 20004, "Method not allowed"))
                : AccountAnswer.Error(StatusCodes.Status404NotFound, 20404, $"The requested resource {path} was not found");
        }

        if (operation.PathValues.TryGetValue("AccountSid", out var pathAccount) && !string.Equals(pathAccount, accountSid, StringComparison.Ordinal))
        {
            return AccountAnswer.Error(StatusCodes.Status404NotFound, 20404, $"The requested resource {path} was not found");
        }

        problems = operation.CheckRequest(query, form, formContent, hasBody);
        if (problems.Count > 0)
        {
            return Refuse(AccountAnswer.Error(
                StatusCodes.Status400BadRequest, 20001, $"Invalid parameter {problems[0].Parameter} ({problems[0].Where}): {problems[0].Rule}"));
        }

        var call = new AccountCall(operation, path, query, form);
        AccountAnswer answer;
        lock (gate)
        {
            answer = Dispatch(call);
        }

        if (answer.Code is null && answer.Status is >= 200 and < 300)
        {
            var strays = operation.CheckResponse(answer.Status, answer.Body);
            lock (gate)
            {
                specViolations.AddRange(strays.Select(s => new SpecViolation(method, path, "response", operation.OperationId ?? operation.Template, s)));
            }
        }

        return answer;

        AccountAnswer Refuse(AccountAnswer refusal)
        {
            lock (gate)
            {
                if (operation?.Operation is null)
                {
                    specViolations.Add(new SpecViolation(method, path, "path", operation?.Template ?? path, $"declares no {method} operation"));
                }
                else
                {
                    specViolations.AddRange(problems.Select(p => new SpecViolation(method, path, p.Where, p.Parameter, p.Rule)));
                }
            }

            return refusal;
        }
    }

    private static readonly HashSet<string> Served = new(StringComparer.Ordinal)
    {
        $"GET {Accounts}/IncomingPhoneNumbers.json",
        $"POST {Accounts}/IncomingPhoneNumbers.json",
        $"GET {Accounts}/IncomingPhoneNumbers/{{Sid}}.json",
        $"POST {Accounts}/IncomingPhoneNumbers/{{Sid}}.json",
        $"DELETE {Accounts}/IncomingPhoneNumbers/{{Sid}}.json",
        $"GET {Accounts}/AvailablePhoneNumbers.json",
        $"GET {Accounts}/AvailablePhoneNumbers/{{CountryCode}}.json",
        $"GET {Accounts}/AvailablePhoneNumbers/{{CountryCode}}/Local.json",
        $"GET {Accounts}/AvailablePhoneNumbers/{{CountryCode}}/Mobile.json",
        $"GET {Accounts}/AvailablePhoneNumbers/{{CountryCode}}/TollFree.json",
        $"GET {Accounts}/SMS/ShortCodes.json",
        $"GET {Accounts}/SMS/ShortCodes/{{Sid}}.json",
        $"POST {Accounts}/SMS/ShortCodes/{{Sid}}.json",
        "GET /v1/Services",
        "POST /v1/Services",
        "GET /v1/Services/{Sid}",
        "POST /v1/Services/{Sid}",
        "DELETE /v1/Services/{Sid}",
        "GET /v1/Services/{ServiceSid}/PhoneNumbers",
        "POST /v1/Services/{ServiceSid}/PhoneNumbers",
        "GET /v1/Services/{ServiceSid}/PhoneNumbers/{Sid}",
        "DELETE /v1/Services/{ServiceSid}/PhoneNumbers/{Sid}",
        "GET /v1/Services/{ServiceSid}/ShortCodes",
        "POST /v1/Services/{ServiceSid}/ShortCodes",
        "GET /v1/Services/{ServiceSid}/ShortCodes/{Sid}",
        "DELETE /v1/Services/{ServiceSid}/ShortCodes/{Sid}",
        "GET /v1/Services/{ServiceSid}/AlphaSenders",
        "POST /v1/Services/{ServiceSid}/AlphaSenders",
        "GET /v1/Services/{ServiceSid}/AlphaSenders/{Sid}",
        "DELETE /v1/Services/{ServiceSid}/AlphaSenders/{Sid}",
        "GET /v1/Services/{MessagingServiceSid}/ChannelSenders",
        "GET /v1/Services/{MessagingServiceSid}/ChannelSenders/{Sid}",
        "DELETE /v1/Services/{MessagingServiceSid}/ChannelSenders/{Sid}",
    };

    /// <summary>Answers one checked request from the account's state; called under the lock.</summary>
    private AccountAnswer Dispatch(AccountCall call)
    {
        var sid = call.PathValue("Sid");
        switch ($"{call.Operation.Method} {call.Operation.Template}")
        {
            case $"GET {Accounts}/IncomingPhoneNumbers.json":
                return Page2010(call, "incoming_phone_numbers", incomingNumbers.Where(n => MatchesNumberFilters(n, call)).Select(IncomingNumberJson).ToList());
            case $"POST {Accounts}/IncomingPhoneNumbers.json":
                return BuyLocked(call);
            case $"GET {Accounts}/IncomingPhoneNumbers/{{Sid}}.json":
                return incomingNumbers.Find(n => n.Sid == sid) is { } fetched ? AccountAnswer.Ok(IncomingNumberJson(fetched)) : NotFound(call);
            case $"POST {Accounts}/IncomingPhoneNumbers/{{Sid}}.json":
                {
                    var index = incomingNumbers.FindIndex(n => n.Sid == sid);
                    if (index < 0)
                    {
                        return NotFound(call);
                    }

                    incomingNumbers[index] = ApplyNumberFields(incomingNumbers[index], call.Form) with { DateUpdated = Now() };
                    return AccountAnswer.Ok(IncomingNumberJson(incomingNumbers[index]));
                }

            case $"DELETE {Accounts}/IncomingPhoneNumbers/{{Sid}}.json":
                poolMembers.RemoveAll(m => m.Sid == sid);
                return incomingNumbers.RemoveAll(n => n.Sid == sid) > 0 ? AccountAnswer.NoContent() : NotFound(call);
            case $"GET {Accounts}/AvailablePhoneNumbers.json":
                return AccountAnswer.Ok(new JsonObject
                {
                    ["countries"] = new JsonArray(inventory.Select(n => n.CountryCode).Distinct(StringComparer.Ordinal).Select(c => CountryJson(c)).ToArray<JsonNode?>()),
                    ["uri"] = $"/2010-04-01/Accounts/{accountSid}/AvailablePhoneNumbers.json",
                });
            case $"GET {Accounts}/AvailablePhoneNumbers/{{CountryCode}}.json":
                {
                    var country = call.PathValue("CountryCode")!;
                    return inventory.Any(n => n.CountryCode.Equals(country, StringComparison.OrdinalIgnoreCase))
                        ? AccountAnswer.Ok(CountryJson(country.ToUpperInvariant()))
                        : NotFound(call);
                }

            case $"GET {Accounts}/AvailablePhoneNumbers/{{CountryCode}}/Local.json":
                return Available(call, StandInNumberType.Local);
            case $"GET {Accounts}/AvailablePhoneNumbers/{{CountryCode}}/Mobile.json":
                return Available(call, StandInNumberType.Mobile);
            case $"GET {Accounts}/AvailablePhoneNumbers/{{CountryCode}}/TollFree.json":
                return Available(call, StandInNumberType.TollFree);
            case $"GET {Accounts}/SMS/ShortCodes.json":
                return Page2010(call, "short_codes", shortCodes
                    .Where(s => call.Query("FriendlyName") is not { } name || s.FriendlyName == name)
                    .Where(s => call.Query("ShortCode") is not { } code || s.ShortCode == code)
                    .Select(ShortCodeJson).ToList());
            case $"GET {Accounts}/SMS/ShortCodes/{{Sid}}.json":
                return shortCodes.Find(s => s.Sid == sid) is { } code2 ? AccountAnswer.Ok(ShortCodeJson(code2)) : NotFound(call);
            case $"POST {Accounts}/SMS/ShortCodes/{{Sid}}.json":
                {
                    var index = shortCodes.FindIndex(s => s.Sid == sid);
                    if (index < 0)
                    {
                        return NotFound(call);
                    }

                    shortCodes[index] = ApplyShortCodeFields(shortCodes[index], call.Form) with { DateUpdated = Now() };
                    return AccountAnswer.Ok(ShortCodeJson(shortCodes[index]));
                }

            case "GET /v1/Services":
                return PageV1(call, "services", messagingServices.Select(ServiceJson).ToList());
            case "POST /v1/Services":
                {
                    var now = Now();
                    var created = ApplyServiceFields(new StandInMessagingService { Sid = NewSid("MG"), FriendlyName = "", DateCreated = now, DateUpdated = now }, call.Form);
                    messagingServices.Add(created);
                    return new AccountAnswer(StatusCodes.Status201Created, ServiceJson(created));
                }

            case "GET /v1/Services/{Sid}":
                return messagingServices.Find(s => s.Sid == sid) is { } service ? AccountAnswer.Ok(ServiceJson(service)) : NotFound(call);
            case "POST /v1/Services/{Sid}":
                {
                    var index = messagingServices.FindIndex(s => s.Sid == sid);
                    if (index < 0)
                    {
                        return NotFound(call);
                    }

                    messagingServices[index] = ApplyServiceFields(messagingServices[index], call.Form) with { DateUpdated = Now() };
                    return AccountAnswer.Ok(ServiceJson(messagingServices[index]));
                }

            case "DELETE /v1/Services/{Sid}":
                return DeleteServiceLocked(sid!) ? AccountAnswer.NoContent() : NotFound(call);
            case "GET /v1/Services/{ServiceSid}/PhoneNumbers":
                return WithService(call, service => PageV1(call, "phone_numbers", Pool(service, "PN").Select(PoolNumberJson).OfType<JsonObject>().ToList()));
            case "POST /v1/Services/{ServiceSid}/PhoneNumbers":
                return AddToPoolApi(call, call.FormValue("PhoneNumberSid")!, PoolNumberJson);
            case "GET /v1/Services/{ServiceSid}/PhoneNumbers/{Sid}":
                return WithService(call, service => Pool(service, "PN").FirstOrDefault(m => Matches(m, sid)) is { } member && PoolNumberJson(member) is { } json
                    ? AccountAnswer.Ok(json) : NotFound(call));
            case "DELETE /v1/Services/{ServiceSid}/PhoneNumbers/{Sid}":
            case "DELETE /v1/Services/{ServiceSid}/ShortCodes/{Sid}":
                return WithService(call, service => poolMembers.RemoveAll(m => m.ServiceSid == service && Matches(m, sid)) > 0 ? AccountAnswer.NoContent() : NotFound(call));
            case "GET /v1/Services/{ServiceSid}/ShortCodes":
                return WithService(call, service => PageV1(call, "short_codes", Pool(service, "SC").Select(PoolShortCodeJson).OfType<JsonObject>().ToList()));
            case "POST /v1/Services/{ServiceSid}/ShortCodes":
                return AddToPoolApi(call, call.FormValue("ShortCodeSid")!, PoolShortCodeJson);
            case "GET /v1/Services/{ServiceSid}/ShortCodes/{Sid}":
                return WithService(call, service => Pool(service, "SC").FirstOrDefault(m => Matches(m, sid)) is { } member && PoolShortCodeJson(member) is { } json
                    ? AccountAnswer.Ok(json) : NotFound(call));
            case "GET /v1/Services/{ServiceSid}/AlphaSenders":
                return WithService(call, service => PageV1(call, "alpha_senders", alphaSenders.Where(s => s.ServiceSid == service).Select(AlphaSenderJson).ToList()));
            case "POST /v1/Services/{ServiceSid}/AlphaSenders":
                return WithService(call, service =>
                {
                    var created = new StandInAlphaSender(NewSid("AI"), service, call.FormValue("AlphaSender")!, Now());
                    alphaSenders.Add(created);
                    return new AccountAnswer(StatusCodes.Status201Created, AlphaSenderJson(created));
                });
            case "GET /v1/Services/{ServiceSid}/AlphaSenders/{Sid}":
                return WithService(call, service => alphaSenders.Find(s => s.ServiceSid == service && s.Sid == sid) is { } alpha ? AccountAnswer.Ok(AlphaSenderJson(alpha)) : NotFound(call));
            case "DELETE /v1/Services/{ServiceSid}/AlphaSenders/{Sid}":
                return WithService(call, service => alphaSenders.RemoveAll(s => s.ServiceSid == service && s.Sid == sid) > 0 ? AccountAnswer.NoContent() : NotFound(call));
            case "GET /v1/Services/{MessagingServiceSid}/ChannelSenders":
                return WithService(call, service => PageV1(call, "senders", channelSenders.Where(s => s.ServiceSid == service).Select(ChannelSenderJson).ToList()));
            case "GET /v1/Services/{MessagingServiceSid}/ChannelSenders/{Sid}":
                return WithService(call, service => channelSenders.Find(s => s.ServiceSid == service && s.Sid == sid) is { } channel ? AccountAnswer.Ok(ChannelSenderJson(channel)) : NotFound(call));
            case "DELETE /v1/Services/{MessagingServiceSid}/ChannelSenders/{Sid}":
                return WithService(call, service => channelSenders.RemoveAll(s => s.ServiceSid == service && s.Sid == sid) > 0 ? AccountAnswer.NoContent() : NotFound(call));
            default:
                return NotFound(call);
        }
    }

    private AccountAnswer BuyLocked(AccountCall call)
    {
        StandInAvailableNumber? forSale;
        if (call.FormValue("PhoneNumber") is { } wanted)
        {
            if (!E164().IsMatch(wanted))
            {
                return AccountAnswer.Error(StatusCodes.Status400BadRequest, 21421, $"PhoneNumber {wanted} is invalid.");
            }

            forSale = inventory.Find(n => n.PhoneNumber == wanted);
            if (forSale is null)
            {
                return AccountAnswer.Error(StatusCodes.Status400BadRequest, 21422, $"PhoneNumber {wanted} is not available.");
            }
        }
        else
        {
            var areaCode = call.FormValue("AreaCode")!;
            forSale = inventory.Find(n => n.CountryCode is "US" or "CA" && NationalNumber(n.PhoneNumber).StartsWith(areaCode, StringComparison.Ordinal));
            if (forSale is null)
            {
                return AccountAnswer.Error(StatusCodes.Status400BadRequest, 21452, $"No phone numbers found in area code {areaCode}.");
            }
        }

        inventory.Remove(forSale);
        var now = Now();
        var bought = ApplyNumberFields(
            new StandInIncomingNumber
            {
                Sid = NewSid("PN"),
                PhoneNumber = forSale.PhoneNumber,
                FriendlyName = forSale.FriendlyName,
                Sms = forSale.Sms,
                Mms = forSale.Mms,
                Voice = forSale.Voice,
                Fax = forSale.Fax,
                Beta = forSale.Beta,
                Type = forSale.Type switch
                {
                    StandInNumberType.Mobile => "mobile",
                    StandInNumberType.TollFree => "toll-free",
                    _ => "local",
                },
                DateCreated = now,
                DateUpdated = now,
            },
            call.Form);
        incomingNumbers.Add(bought);
        return new AccountAnswer(StatusCodes.Status201Created, IncomingNumberJson(bought));
    }

    private AccountAnswer Available(AccountCall call, StandInNumberType type)
    {
        var country = call.PathValue("CountryCode")!;
        var matches = inventory
            .Where(n => n.Type == type && n.CountryCode.Equals(country, StringComparison.OrdinalIgnoreCase))
            .Where(n => call.Query("AreaCode") is not { } area || NationalNumber(n.PhoneNumber).StartsWith(area, StringComparison.Ordinal))
            .Where(n => call.Query("Contains") is not { } pattern || ContainsPattern(pattern).IsMatch(n.PhoneNumber))
            .Where(n => Flag(call, "SmsEnabled", n.Sms) && Flag(call, "MmsEnabled", n.Mms) && Flag(call, "VoiceEnabled", n.Voice) && Flag(call, "FaxEnabled", n.Fax))
            .Where(n => call.Query("Beta") != "false" || !n.Beta)
            .Where(n => Same(call.Query("InRegion"), n.Region) && Same(call.Query("InLocality"), n.Locality) && Same(call.Query("InPostalCode"), n.PostalCode))
            .Where(n => call.Query("InRateCenter") is null && call.Query("InLata") is null)
            .Where(n => !(call.Query("ExcludeAllAddressRequired") == "true" && n.AddressRequirements == "any"))
            .Where(n => !(call.Query("ExcludeLocalAddressRequired") == "true" && n.AddressRequirements == "local"))
            .Where(n => !(call.Query("ExcludeForeignAddressRequired") == "true" && n.AddressRequirements == "foreign"))
            .Select(AvailableJson)
            .ToList();
        return Page2010(call, "available_phone_numbers", matches);

        static bool Flag(AccountCall call, string name, bool value) => call.Query(name) is not { } wanted || (wanted == "true") == value;

        static bool Same(string? wanted, string? value) => wanted is null || string.Equals(wanted, value, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Twilio's <c>Contains</c>: digits, letters (keypad digits) and <c>*</c> for any one digit, anywhere in the number.</summary>
    private static Regex ContainsPattern(string pattern)
    {
        var builder = new StringBuilder();
        foreach (var c in pattern.ToUpperInvariant())
        {
            builder.Append(c switch
            {
                '*' => @"\d",
                >= 'A' and <= 'Z' => Keypad(c).ToString(),
                _ => Regex.Escape(c.ToString()),
            });
        }

        return new Regex(builder.ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

        static char Keypad(char letter) => letter switch
        {
            <= 'C' => '2',
            <= 'F' => '3',
            <= 'I' => '4',
            <= 'L' => '5',
            <= 'O' => '6',
            <= 'S' => '7',
            <= 'V' => '8',
            _ => '9',
        };
    }

    private static bool MatchesNumberFilters(StandInIncomingNumber number, AccountCall call) =>
        (call.Query("PhoneNumber") is not { } phone || ContainsPattern(phone).IsMatch(number.PhoneNumber))
        && (call.Query("FriendlyName") is not { } name || number.FriendlyName == name)
        && (call.Query("Beta") != "false" || !number.Beta)
        && (call.Query("Origin") is not { } origin || number.Origin == origin);

    private AccountAnswer? AddToPoolLocked(string serviceSid, string senderSid)
    {
        if (!messagingServices.Exists(s => s.Sid == serviceSid))
        {
            return AccountAnswer.Error(StatusCodes.Status404NotFound, 20404, $"The requested resource /v1/Services/{serviceSid} was not found");
        }

        var known = senderSid.StartsWith("PN", StringComparison.Ordinal) ? incomingNumbers.Exists(n => n.Sid == senderSid) : shortCodes.Exists(s => s.Sid == senderSid);
        if (!known)
        {
            return AccountAnswer.Error(StatusCodes.Status404NotFound, 20404, $"{senderSid} is not a phone number or short code of this account.");
        }

        if (poolMembers.Find(m => m.Sid == senderSid) is { } existing)
        {
            return existing.ServiceSid == serviceSid
                ? null
                : AccountAnswer.Error(StatusCodes.Status409Conflict, 21712, $"{senderSid} is already in the sender pool of Messaging Service {existing.ServiceSid}.");
        }

        poolMembers.Add(new PoolMember(serviceSid, senderSid, Now()));
        return null;
    }

    private AccountAnswer AddToPoolApi(AccountCall call, string senderSid, Func<PoolMember, JsonObject?> json)
    {
        var serviceSid = call.PathValue("ServiceSid")!;
        var existed = poolMembers.Exists(m => m.ServiceSid == serviceSid && m.Sid == senderSid);
        if (AddToPoolLocked(serviceSid, senderSid) is { } problem)
        {
            return problem;
        }

        var member = poolMembers.Find(m => m.ServiceSid == serviceSid && m.Sid == senderSid)!;
        return new AccountAnswer(existed ? StatusCodes.Status200OK : StatusCodes.Status201Created, json(member));
    }

    private bool DeleteServiceLocked(string serviceSid)
    {
        poolMembers.RemoveAll(m => m.ServiceSid == serviceSid);
        alphaSenders.RemoveAll(s => s.ServiceSid == serviceSid);
        channelSenders.RemoveAll(s => s.ServiceSid == serviceSid);
        return messagingServices.RemoveAll(s => s.Sid == serviceSid) > 0;
    }

    private void RequireService(string serviceSid)
    {
        if (!messagingServices.Exists(s => s.Sid == serviceSid))
        {
            throw new InvalidOperationException($"No Messaging Service {serviceSid}.");
        }
    }

    private IEnumerable<PoolMember> Pool(string serviceSid, string prefix) =>
        poolMembers.Where(m => m.ServiceSid == serviceSid && m.Sid.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>Pool resources are fetched by SID or, as Twilio allows, by the number itself.</summary>
    private bool Matches(PoolMember member, string? sid) =>
        member.Sid == sid
        || incomingNumbers.Exists(n => n.Sid == member.Sid && n.PhoneNumber == sid)
        || shortCodes.Exists(s => s.Sid == member.Sid && s.ShortCode == sid);

    private AccountAnswer WithService(AccountCall call, Func<string, AccountAnswer> answer)
    {
        var service = call.PathValue("ServiceSid") ?? call.PathValue("MessagingServiceSid")!;
        return messagingServices.Exists(s => s.Sid == service) ? answer(service) : NotFound(call);
    }

    private static AccountAnswer NotFound(AccountCall call) =>
        AccountAnswer.Error(StatusCodes.Status404NotFound, 20404, $"The requested resource {call.Path} was not found");

    private static StandInIncomingNumber ApplyNumberFields(StandInIncomingNumber number, IReadOnlyList<KeyValuePair<string, string>> form)
    {
        foreach (var (name, value) in form)
        {
            number = name switch
            {
                "FriendlyName" => number with { FriendlyName = value },
                "ApiVersion" => number with { ApiVersion = value },
                "SmsUrl" => number with { SmsUrl = NullIfEmpty(value) },
                "SmsMethod" => number with { SmsMethod = value },
                "SmsFallbackUrl" => number with { SmsFallbackUrl = NullIfEmpty(value) },
                "SmsFallbackMethod" => number with { SmsFallbackMethod = value },
                "StatusCallback" => number with { StatusCallback = NullIfEmpty(value) },
                "StatusCallbackMethod" => number with { StatusCallbackMethod = value },
                "SmsApplicationSid" => number with { SmsApplicationSid = NullIfEmpty(value) },
                "VoiceUrl" => number with { VoiceUrl = NullIfEmpty(value) },
                "VoiceMethod" => number with { VoiceMethod = value },
                "VoiceFallbackUrl" => number with { VoiceFallbackUrl = NullIfEmpty(value) },
                "VoiceFallbackMethod" => number with { VoiceFallbackMethod = value },
                "VoiceApplicationSid" => number with { VoiceApplicationSid = NullIfEmpty(value), TrunkSid = null },
                "VoiceCallerIdLookup" => number with { VoiceCallerIdLookup = value == "true" },
                "VoiceReceiveMode" => number with { VoiceReceiveMode = value },
                "TrunkSid" => number with { TrunkSid = NullIfEmpty(value), VoiceApplicationSid = null },
                "EmergencyStatus" => number with { EmergencyStatus = value },
                "EmergencyAddressSid" => number with { EmergencyAddressSid = NullIfEmpty(value) },
                "IdentitySid" => number with { IdentitySid = NullIfEmpty(value) },
                "AddressSid" => number with { AddressSid = NullIfEmpty(value) },
                "BundleSid" => number with { BundleSid = NullIfEmpty(value) },
                _ => number, // AccountSid (a transfer between subaccounts), PhoneNumber, AreaCode
            };
        }

        return number;
    }

    private static StandInShortCode ApplyShortCodeFields(StandInShortCode code, IReadOnlyList<KeyValuePair<string, string>> form)
    {
        foreach (var (name, value) in form)
        {
            code = name switch
            {
                "FriendlyName" => code with { FriendlyName = value },
                "ApiVersion" => code with { ApiVersion = value },
                "SmsUrl" => code with { SmsUrl = NullIfEmpty(value) },
                "SmsMethod" => code with { SmsMethod = value },
                "SmsFallbackUrl" => code with { SmsFallbackUrl = NullIfEmpty(value) },
                "SmsFallbackMethod" => code with { SmsFallbackMethod = value },
                _ => code,
            };
        }

        return code;
    }

    private static StandInMessagingService ApplyServiceFields(StandInMessagingService service, IReadOnlyList<KeyValuePair<string, string>> form)
    {
        foreach (var (name, value) in form)
        {
            service = name switch
            {
                "FriendlyName" => service with { FriendlyName = value },
                "InboundRequestUrl" => service with { InboundRequestUrl = NullIfEmpty(value) },
                "InboundMethod" => service with { InboundMethod = value },
                "FallbackUrl" => service with { FallbackUrl = NullIfEmpty(value) },
                "FallbackMethod" => service with { FallbackMethod = value },
                "StatusCallback" => service with { StatusCallback = NullIfEmpty(value) },
                "StickySender" => service with { StickySender = value == "true" },
                "MmsConverter" => service with { MmsConverter = value == "true" },
                "SmartEncoding" => service with { SmartEncoding = value == "true" },
                "ScanMessageContent" => service with { ScanMessageContent = value },
                "FallbackToLongCode" => service with { FallbackToLongCode = value == "true" },
                "AreaCodeGeomatch" => service with { AreaCodeGeomatch = value == "true" },
                "ValidityPeriod" => service with { ValidityPeriod = int.Parse(value, CultureInfo.InvariantCulture) },
                "SynchronousValidation" => service with { SynchronousValidation = value == "true" },
                "Usecase" => service with { Usecase = value },
                "UseInboundWebhookOnNumber" => service with { UseInboundWebhookOnNumber = value == "true" },
                _ => service,
            };
        }

        return service;
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private JsonObject IncomingNumberJson(StandInIncomingNumber n) => new()
    {
        ["account_sid"] = accountSid,
        ["address_sid"] = n.AddressSid,
        ["address_requirements"] = "none",
        ["api_version"] = n.ApiVersion,
        ["beta"] = n.Beta,
        ["capabilities"] = new JsonObject { ["voice"] = n.Voice, ["sms"] = n.Sms, ["mms"] = n.Mms, ["fax"] = n.Fax },
        ["date_created"] = Rfc2822(n.DateCreated),
        ["date_updated"] = Rfc2822(n.DateUpdated),
        ["friendly_name"] = n.FriendlyName,
        ["identity_sid"] = n.IdentitySid,
        ["phone_number"] = n.PhoneNumber,
        ["origin"] = n.Origin,
        ["sid"] = n.Sid,
        ["sms_application_sid"] = n.SmsApplicationSid,
        ["sms_fallback_method"] = n.SmsFallbackMethod,
        ["sms_fallback_url"] = n.SmsFallbackUrl ?? "",
        ["sms_method"] = n.SmsMethod,
        ["sms_url"] = n.SmsUrl ?? "",
        ["status_callback"] = n.StatusCallback ?? "",
        ["status_callback_method"] = n.StatusCallbackMethod,
        ["trunk_sid"] = n.TrunkSid,
        ["uri"] = $"/2010-04-01/Accounts/{accountSid}/IncomingPhoneNumbers/{n.Sid}.json",
        ["voice_receive_mode"] = n.VoiceReceiveMode,
        ["voice_application_sid"] = n.VoiceApplicationSid,
        ["voice_caller_id_lookup"] = n.VoiceCallerIdLookup,
        ["voice_fallback_method"] = n.VoiceFallbackMethod,
        ["voice_fallback_url"] = n.VoiceFallbackUrl,
        ["voice_method"] = n.VoiceMethod,
        ["voice_url"] = n.VoiceUrl,
        ["emergency_status"] = n.EmergencyStatus,
        ["emergency_address_sid"] = n.EmergencyAddressSid,
        ["emergency_address_status"] = "unregistered",
        ["bundle_sid"] = n.BundleSid,
        ["status"] = "in-use",
        ["type"] = n.Type,
    };

    private JsonObject ShortCodeJson(StandInShortCode s) => new()
    {
        ["account_sid"] = accountSid,
        ["api_version"] = s.ApiVersion,
        ["date_created"] = Rfc2822(s.DateCreated),
        ["date_updated"] = Rfc2822(s.DateUpdated),
        ["friendly_name"] = s.FriendlyName,
        ["short_code"] = s.ShortCode,
        ["sid"] = s.Sid,
        ["sms_fallback_method"] = s.SmsFallbackMethod,
        ["sms_fallback_url"] = s.SmsFallbackUrl,
        ["sms_method"] = s.SmsMethod,
        ["sms_url"] = s.SmsUrl,
        ["uri"] = $"/2010-04-01/Accounts/{accountSid}/SMS/ShortCodes/{s.Sid}.json",
    };

    private JsonObject AvailableJson(StandInAvailableNumber n) => new()
    {
        ["friendly_name"] = n.FriendlyName,
        ["phone_number"] = n.PhoneNumber,
        ["lata"] = null,
        ["locality"] = n.Locality,
        ["rate_center"] = null,
        ["latitude"] = null,
        ["longitude"] = null,
        ["region"] = n.Region,
        ["postal_code"] = n.PostalCode,
        ["iso_country"] = n.CountryCode,
        ["address_requirements"] = n.AddressRequirements,
        ["beta"] = n.Beta,
        ["capabilities"] = new JsonObject { ["voice"] = n.Voice, ["sms"] = n.Sms, ["mms"] = n.Mms, ["fax"] = n.Fax },
    };

    private JsonObject CountryJson(string countryCode)
    {
        var uri = $"/2010-04-01/Accounts/{accountSid}/AvailablePhoneNumbers/{countryCode}";
        var types = inventory.Where(n => n.CountryCode == countryCode).Select(n => n.Type).Distinct().ToList();
        var subresources = new JsonObject();
        foreach (var (type, key, file) in new[] { (StandInNumberType.Local, "local", "Local"), (StandInNumberType.TollFree, "toll_free", "TollFree"), (StandInNumberType.Mobile, "mobile", "Mobile") })
        {
            if (types.Contains(type))
            {
                subresources[key] = $"{uri}/{file}.json";
            }
        }

        return new JsonObject
        {
            ["country_code"] = countryCode,
            ["country"] = CountryNames.TryGetValue(countryCode, out var name) ? name : countryCode,
            ["uri"] = uri + ".json",
            ["beta"] = false,
            ["subresource_uris"] = subresources,
        };
    }

    private static readonly Dictionary<string, string> CountryNames = new(StringComparer.Ordinal)
    {
        ["US"] = "United States",
        ["CA"] = "Canada",
        ["GB"] = "United Kingdom",
        ["JP"] = "Japan",
        ["DE"] = "Germany",
        ["FR"] = "France",
        ["AU"] = "Australia",
        ["ES"] = "Spain",
        ["MX"] = "Mexico",
        ["BR"] = "Brazil",
    };

    private JsonObject ServiceJson(StandInMessagingService s)
    {
        var url = $"{MessagingHost}/v1/Services/{s.Sid}";
        return new JsonObject
        {
            ["sid"] = s.Sid,
            ["account_sid"] = accountSid,
            ["friendly_name"] = s.FriendlyName,
            ["date_created"] = Iso8601(s.DateCreated),
            ["date_updated"] = Iso8601(s.DateUpdated),
            ["inbound_request_url"] = s.InboundRequestUrl,
            ["inbound_method"] = s.InboundMethod,
            ["fallback_url"] = s.FallbackUrl,
            ["fallback_method"] = s.FallbackMethod,
            ["status_callback"] = s.StatusCallback,
            ["sticky_sender"] = s.StickySender,
            ["mms_converter"] = s.MmsConverter,
            ["smart_encoding"] = s.SmartEncoding,
            ["scan_message_content"] = s.ScanMessageContent,
            ["fallback_to_long_code"] = s.FallbackToLongCode,
            ["area_code_geomatch"] = s.AreaCodeGeomatch,
            ["synchronous_validation"] = s.SynchronousValidation,
            ["validity_period"] = s.ValidityPeriod,
            ["url"] = url,
            ["links"] = new JsonObject
            {
                ["phone_numbers"] = $"{url}/PhoneNumbers",
                ["short_codes"] = $"{url}/ShortCodes",
                ["alpha_senders"] = $"{url}/AlphaSenders",
                ["messages"] = $"{url}/Messages",
                ["us_app_to_person"] = $"{url}/Compliance/Usa2p",
                ["us_app_to_person_usecases"] = $"{url}/Compliance/Usa2p/Usecases",
                ["channel_senders"] = $"{url}/ChannelSenders",
                ["destination_alpha_senders"] = $"{url}/DestinationAlphaSenders",
            },
            ["usecase"] = s.Usecase,
            ["us_app_to_person_registered"] = s.UsAppToPersonRegistered,
            ["use_inbound_webhook_on_number"] = s.UseInboundWebhookOnNumber,
        };
    }

    private JsonObject? PoolNumberJson(PoolMember member)
    {
        if (incomingNumbers.Find(n => n.Sid == member.Sid) is not { } number)
        {
            return null;
        }

        var capabilities = new JsonArray();
        foreach (var (has, name) in new[] { (number.Mms, "MMS"), (number.Sms, "SMS"), (number.Voice, "Voice"), (number.Fax, "Fax") })
        {
            if (has)
            {
                capabilities.Add(name);
            }
        }

        return new JsonObject
        {
            ["sid"] = number.Sid,
            ["account_sid"] = accountSid,
            ["service_sid"] = member.ServiceSid,
            ["date_created"] = Iso8601(member.Added),
            ["date_updated"] = Iso8601(member.Added),
            ["phone_number"] = number.PhoneNumber,
            ["country_code"] = CountryOf(number.PhoneNumber),
            ["capabilities"] = capabilities,
            ["url"] = $"{MessagingHost}/v1/Services/{member.ServiceSid}/PhoneNumbers/{number.Sid}",
        };
    }

    private JsonObject? PoolShortCodeJson(PoolMember member)
    {
        if (shortCodes.Find(s => s.Sid == member.Sid) is not { } code)
        {
            return null;
        }

        return new JsonObject
        {
            ["sid"] = code.Sid,
            ["account_sid"] = accountSid,
            ["service_sid"] = member.ServiceSid,
            ["date_created"] = Iso8601(member.Added),
            ["date_updated"] = Iso8601(member.Added),
            ["short_code"] = code.ShortCode,
            ["country_code"] = "US",
            ["capabilities"] = new JsonArray("SMS", "MMS"),
            ["url"] = $"{MessagingHost}/v1/Services/{member.ServiceSid}/ShortCodes/{code.Sid}",
        };
    }

    private JsonObject AlphaSenderJson(StandInAlphaSender s) => new()
    {
        ["sid"] = s.Sid,
        ["account_sid"] = accountSid,
        ["service_sid"] = s.ServiceSid,
        ["date_created"] = Iso8601(s.DateCreated),
        ["date_updated"] = Iso8601(s.DateCreated),
        ["alpha_sender"] = s.AlphaSender,
        ["capabilities"] = new JsonArray("SMS"),
        ["url"] = $"{MessagingHost}/v1/Services/{s.ServiceSid}/AlphaSenders/{s.Sid}",
    };

    private JsonObject ChannelSenderJson(StandInChannelSender s) => new()
    {
        ["account_sid"] = accountSid,
        ["messaging_service_sid"] = s.ServiceSid,
        ["sid"] = s.Sid,
        ["sender"] = s.Sender,
        ["sender_type"] = s.SenderType,
        ["country_code"] = s.CountryCode,
        ["date_created"] = Iso8601(s.DateCreated),
        ["date_updated"] = Iso8601(s.DateCreated),
        ["url"] = $"{MessagingHost}/v1/Services/{s.ServiceSid}/ChannelSenders/{s.Sid}",
    };

    /// <summary>Api v2010's page: the records under <paramref name="key"/>, with page URIs relative to api.twilio.com that keep the filters.</summary>
    private static AccountAnswer Page2010(AccountCall call, string key, List<JsonObject> all)
    {
        var (page, pageSize, items) = Slice(call, all);
        var start = page * pageSize;
        var body = new JsonObject
        {
            [key] = new JsonArray(items.ToArray<JsonNode?>()),
            ["end"] = items.Count == 0 ? start : start + items.Count - 1,
            ["first_page_uri"] = call.PageUri(0, pageSize, null),
            ["next_page_uri"] = start + items.Count < all.Count ? call.PageUri(page + 1, pageSize, $"PA{start + items.Count}") : null,
            ["page"] = page,
            ["page_size"] = pageSize,
            ["previous_page_uri"] = page > 0 ? call.PageUri(page - 1, pageSize, $"PB{start}") : null,
            ["start"] = start,
            ["uri"] = call.PageUri(page, pageSize, call.Query("PageToken")),
        };
        return AccountAnswer.Ok(body);
    }

    /// <summary>A v1 (next-gen) page: the records under <paramref name="key"/> and <c>meta</c> with absolute messaging.twilio.com URLs.</summary>
    private static AccountAnswer PageV1(AccountCall call, string key, List<JsonObject> all)
    {
        var (page, pageSize, items) = Slice(call, all);
        var start = page * pageSize;
        var body = new JsonObject
        {
            [key] = new JsonArray(items.ToArray<JsonNode?>()),
            ["meta"] = new JsonObject
            {
                ["page"] = page,
                ["page_size"] = pageSize,
                ["first_page_url"] = MessagingHost + call.PageUri(0, pageSize, null),
                ["previous_page_url"] = page > 0 ? MessagingHost + call.PageUri(page - 1, pageSize, $"PB{start}") : null,
                ["url"] = MessagingHost + call.PageUri(page, pageSize, call.Query("PageToken")),
                ["next_page_url"] = start + items.Count < all.Count ? MessagingHost + call.PageUri(page + 1, pageSize, $"PA{start + items.Count}") : null,
                ["key"] = key,
            },
        };
        return AccountAnswer.Ok(body);
    }

    private static (int Page, int PageSize, List<JsonObject> Items) Slice(AccountCall call, List<JsonObject> all)
    {
        var pageSize = call.Query("PageSize") is { } size ? int.Parse(size, CultureInfo.InvariantCulture) : DefaultPageSize;
        var page = call.Query("Page") is { } index ? int.Parse(index, CultureInfo.InvariantCulture) : 0;
        return (page, pageSize, all.Skip((int)Math.Min((long)page * pageSize, int.MaxValue)).Take(pageSize).ToList());
    }

    private static string Rfc2822(DateTimeOffset time) =>
        time.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture);

    private static string Iso8601(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset Now()
    {
        var now = DateTimeOffset.UtcNow;
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
    }

    private static string NewSid(string prefix) => prefix + Guid.NewGuid().ToString("N");

    private static string NationalNumber(string e164)
    {
        try
        {
            return Phones.GetNationalSignificantNumber(Phones.Parse(e164, null));
        }
        catch (NumberParseException)
        {
            return e164.TrimStart('+');
        }
    }

    private static string CountryOf(string e164)
    {
        try
        {
            var parsed = Phones.Parse(e164, null);
            var region = Phones.GetRegionCodeForNumber(parsed);
            return region is { Length: 2 } and not "ZZ" ? region : Phones.GetRegionCodeForCountryCode(parsed.CountryCode);
        }
        catch (NumberParseException)
        {
            return "US";
        }
    }

    /// <summary>Twilio's default friendly name: <c>(808) 925-5327</c> for North American numbers, else the number.</summary>
    private static string DefaultFriendlyName(string e164) =>
        e164.Length == 12 && e164.StartsWith("+1", StringComparison.Ordinal)
            ? $"({e164[2..5]}) {e164[5..8]}-{e164[8..]}"
            : e164;

    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}$")]
    private static partial Regex E164();

    private sealed record PoolMember(string ServiceSid, string Sid, DateTimeOffset Added);

    private sealed record AccountAnswer(int Status, JsonNode? Body, int? Code = null, string? Message = null)
    {
        public static AccountAnswer Ok(JsonNode body) => new(StatusCodes.Status200OK, body);

        public static AccountAnswer NoContent() => new(StatusCodes.Status204NoContent, null);

        public static AccountAnswer Error(int status, int code, string message) => new(status, null, code, message);
    }

    private sealed class AccountCall(SpecOperation operation, string path, List<KeyValuePair<string, string>> query, List<KeyValuePair<string, string>> form)
    {
        public SpecOperation Operation { get; } = operation;

        public string Path { get; } = path;

        public IReadOnlyList<KeyValuePair<string, string>> Form { get; } = form;

        public string? PathValue(string name) => Operation.PathValues.TryGetValue(name, out var value) ? value : null;

        public string? Query(string name) => query.FirstOrDefault(q => q.Key == name).Value;

        public string? FormValue(string name) => Form.FirstOrDefault(f => f.Key == name).Value;

        /// <summary>This list's path with its filters (not paging) and the given page.</summary>
        public string PageUri(int page, int pageSize, string? token)
        {
            var parts = query.Where(q => q.Key is not ("PageSize" or "Page" or "PageToken"))
                .Append(KeyValuePair.Create("PageSize", pageSize.ToString(CultureInfo.InvariantCulture)))
                .Append(KeyValuePair.Create("Page", page.ToString(CultureInfo.InvariantCulture)));
            if (token is not null)
            {
                parts = parts.Append(KeyValuePair.Create("PageToken", token));
            }

            return Path + "?" + string.Join("&", parts.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
        }
    }
}

/// <summary>The kinds of numbers for sale, as AvailablePhoneNumbers lists them.</summary>
public enum StandInNumberType
{
    /// <summary><c>Local.json</c>.</summary>
    Local,

    /// <summary><c>Mobile.json</c>.</summary>
    Mobile,

    /// <summary><c>TollFree.json</c>.</summary>
    TollFree,
}

/// <summary>One breach of Twilio's OpenAPI documents.</summary>
/// <param name="Method">The request's method.</param>
/// <param name="Path">The request's path.</param>
/// <param name="Where"><c>path</c>, <c>query</c>, <c>form</c> (the request broke the spec) or <c>response</c> (the stand-in did).</param>
/// <param name="Parameter">The parameter (or operation, for responses) concerned.</param>
/// <param name="Rule">What was wrong.</param>
public sealed record SpecViolation(string Method, string Path, string Where, string Parameter, string Rule)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Method} {Path}: {Where} {Parameter} {Rule}";
}

/// <summary>One request to the account API as the stand-in received it.</summary>
/// <param name="Method">GET, POST or DELETE.</param>
/// <param name="Path">The path, without the query.</param>
/// <param name="Query">The query parameters, decoded, in order.</param>
/// <param name="Form">The form fields, decoded, in order.</param>
/// <param name="AnsweredStatus">The HTTP status answered.</param>
public sealed record StandInAccountRequest(
    string Method, string Path, IReadOnlyList<KeyValuePair<string, string>> Query, IReadOnlyList<KeyValuePair<string, string>> Form, int AnsweredStatus)
{
    /// <summary>The form value sent under <paramref name="name"/>; null when absent.</summary>
    public string? FormValue(string name) => Form.FirstOrDefault(f => f.Key == name).Value;

    /// <summary>The query value sent under <paramref name="name"/>; null when absent.</summary>
    public string? QueryValue(string name) => Query.FirstOrDefault(f => f.Key == name).Value;
}

/// <summary>A phone number of the account (an IncomingPhoneNumber); URLs are null when unset.</summary>
public sealed record StandInIncomingNumber
{
    /// <summary><c>PN…</c>.</summary>
    public required string Sid { get; init; }

    /// <summary>E.164.</summary>
    public required string PhoneNumber { get; init; }

    /// <summary>The friendly name; Twilio's default formats the number.</summary>
    public required string FriendlyName { get; init; }

    /// <summary>Can receive and send SMS.</summary>
    public bool Sms { get; init; } = true;

    /// <summary>Can receive and send MMS.</summary>
    public bool Mms { get; init; } = true;

    /// <summary>Can take calls.</summary>
    public bool Voice { get; init; } = true;

    /// <summary>Can take faxes.</summary>
    public bool Fax { get; init; }

    /// <summary><c>local</c>, <c>mobile</c> or <c>toll-free</c>.</summary>
    public string Type { get; init; } = "local";

    /// <summary><c>twilio</c> or <c>hosted</c>.</summary>
    public string Origin { get; init; } = "twilio";

    /// <summary>New to Twilio's platform.</summary>
    public bool Beta { get; init; }

    /// <summary>The API version for calls to the number.</summary>
    public string ApiVersion { get; init; } = "2010-04-01";

    /// <summary>The inbound-SMS webhook.</summary>
    public string? SmsUrl { get; init; }

    /// <summary>GET or POST.</summary>
    public string SmsMethod { get; init; } = "POST";

    /// <summary>The inbound-SMS fallback webhook.</summary>
    public string? SmsFallbackUrl { get; init; }

    /// <summary>GET or POST.</summary>
    public string SmsFallbackMethod { get; init; } = "POST";

    /// <summary>The status callback for calls to the number.</summary>
    public string? StatusCallback { get; init; }

    /// <summary>GET or POST.</summary>
    public string StatusCallbackMethod { get; init; } = "POST";

    /// <summary>An application handling SMS instead of the URLs (<c>AP…</c>).</summary>
    public string? SmsApplicationSid { get; init; }

    /// <summary>The voice webhook.</summary>
    public string? VoiceUrl { get; init; }

    /// <summary>GET or POST.</summary>
    public string VoiceMethod { get; init; } = "POST";

    /// <summary>The voice fallback webhook.</summary>
    public string? VoiceFallbackUrl { get; init; }

    /// <summary>GET or POST.</summary>
    public string VoiceFallbackMethod { get; init; } = "POST";

    /// <summary>An application handling calls (<c>AP…</c>).</summary>
    public string? VoiceApplicationSid { get; init; }

    /// <summary>CNAM lookup on calls.</summary>
    public bool VoiceCallerIdLookup { get; init; }

    /// <summary><c>voice</c> or <c>fax</c>.</summary>
    public string VoiceReceiveMode { get; init; } = "voice";

    /// <summary>A SIP trunk handling calls (<c>TK…</c>).</summary>
    public string? TrunkSid { get; init; }

    /// <summary><c>Active</c> or <c>Inactive</c>.</summary>
    public string EmergencyStatus { get; init; } = "Inactive";

    /// <summary><c>AD…</c>.</summary>
    public string? EmergencyAddressSid { get; init; }

    /// <summary><c>RI…</c>.</summary>
    public string? IdentitySid { get; init; }

    /// <summary><c>AD…</c>.</summary>
    public string? AddressSid { get; init; }

    /// <summary><c>BU…</c>.</summary>
    public string? BundleSid { get; init; }

    /// <summary>When added or bought.</summary>
    public DateTimeOffset DateCreated { get; init; }

    /// <summary>When last changed.</summary>
    public DateTimeOffset DateUpdated { get; init; }
}

/// <summary>A short code of the account; URLs are null when unset.</summary>
public sealed record StandInShortCode
{
    /// <summary><c>SC…</c>.</summary>
    public required string Sid { get; init; }

    /// <summary>The code, e.g. <c>894546</c>.</summary>
    public required string ShortCode { get; init; }

    /// <summary>The friendly name.</summary>
    public required string FriendlyName { get; init; }

    /// <summary>The API version.</summary>
    public string ApiVersion { get; init; } = "2010-04-01";

    /// <summary>The inbound-SMS webhook.</summary>
    public string? SmsUrl { get; init; }

    /// <summary>GET or POST.</summary>
    public string SmsMethod { get; init; } = "POST";

    /// <summary>The inbound-SMS fallback webhook.</summary>
    public string? SmsFallbackUrl { get; init; }

    /// <summary>GET or POST.</summary>
    public string SmsFallbackMethod { get; init; } = "POST";

    /// <summary>When added.</summary>
    public DateTimeOffset DateCreated { get; init; }

    /// <summary>When last changed.</summary>
    public DateTimeOffset DateUpdated { get; init; }
}

/// <summary>A Messaging Service's settings; URLs are null when unset. Defaults are Twilio's for a new service.</summary>
public sealed record StandInMessagingService
{
    /// <summary><c>MG…</c>.</summary>
    public required string Sid { get; init; }

    /// <summary>The friendly name.</summary>
    public required string FriendlyName { get; init; }

    /// <summary>The service's inbound webhook (used unless <see cref="UseInboundWebhookOnNumber"/>).</summary>
    public string? InboundRequestUrl { get; init; }

    /// <summary>GET or POST.</summary>
    public string InboundMethod { get; init; } = "POST";

    /// <summary>The inbound fallback webhook.</summary>
    public string? FallbackUrl { get; init; }

    /// <summary>GET or POST.</summary>
    public string FallbackMethod { get; init; } = "POST";

    /// <summary>The status callback for messages sent through the service.</summary>
    public string? StatusCallback { get; init; }

    /// <summary>Sticky sender.</summary>
    public bool StickySender { get; init; } = true;

    /// <summary>MMS converter.</summary>
    public bool MmsConverter { get; init; } = true;

    /// <summary>Smart encoding.</summary>
    public bool SmartEncoding { get; init; } = true;

    /// <summary><c>inherit</c>, <c>enable</c> or <c>disable</c>.</summary>
    public string ScanMessageContent { get; init; } = "inherit";

    /// <summary>Fallback to long code.</summary>
    public bool FallbackToLongCode { get; init; } = true;

    /// <summary>Area code geomatch.</summary>
    public bool AreaCodeGeomatch { get; init; } = true;

    /// <summary>Seconds a message may wait in the queue.</summary>
    public int ValidityPeriod { get; init; } = 14400;

    /// <summary>Synchronous validation.</summary>
    public bool SynchronousValidation { get; init; } = true;

    /// <summary>The A2P use case.</summary>
    public string Usecase { get; init; } = "undeclared";

    /// <summary>Registered for US A2P 10DLC.</summary>
    public bool UsAppToPersonRegistered { get; init; }

    /// <summary>Inbound messages go to each number's own SMS URL rather than the service's.</summary>
    public bool UseInboundWebhookOnNumber { get; init; }

    /// <summary>When created.</summary>
    public DateTimeOffset DateCreated { get; init; }

    /// <summary>When last changed.</summary>
    public DateTimeOffset DateUpdated { get; init; }
}

/// <summary>An alphanumeric sender ID of a Messaging Service.</summary>
public sealed record StandInAlphaSender(string Sid, string ServiceSid, string AlphaSender, DateTimeOffset DateCreated);

/// <summary>A channel sender (WhatsApp…) of a Messaging Service.</summary>
public sealed record StandInChannelSender(string Sid, string ServiceSid, string Sender, string SenderType, string CountryCode, DateTimeOffset DateCreated);

/// <summary>A number for sale in the stand-in's inventory.</summary>
public sealed record StandInAvailableNumber(
    string CountryCode,
    StandInNumberType Type,
    string PhoneNumber,
    string FriendlyName,
    bool Sms,
    bool Mms,
    bool Voice,
    bool Fax,
    string? Region,
    string? Locality,
    string? PostalCode,
    bool Beta)
{
    /// <summary><c>none</c>, <c>any</c>, <c>local</c> or <c>foreign</c>.</summary>
    public string AddressRequirements { get; init; } = "none";
}
