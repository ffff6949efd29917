// An example client of the SponsoredInMail REST API (/api/v1): the journey of an integrator from a new saved audience
// to a campaign in review. It needs nothing but .NET: copy this file into your own project as it is.
// The tests of this repository run it against the app (ApiExampleClientTests), so it stays in step with the API.

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace SponsoredInMail.ApiExample;

public static class ExampleClient
{
    // The API's JSON is camelCase; enums are their names as strings ("WebsiteVisits", "InReview").
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Runs the journey with <paramref name="http"/>, whose BaseAddress (e.g. http://localhost:5000) and
    /// <c>Authorization: Bearer sim_…</c> header (a read-write token) the caller has set. Writes what happens to
    /// <paramref name="output"/>. Returns 0 on success, 1 when the API refused a request (its problem details are
    /// printed), 2 when the account has no active ad to use.
    /// </summary>
    public static async Task<int> RunAsync(HttpClient http, TextWriter output, CancellationToken ct)
    {
        try
        {
            return await JourneyAsync(http, output, ct);
        }
        catch (ApiProblemException problem)
        {
            await output.WriteLineAsync(problem.Message);
            return 1;
        }
    }

    private static async Task<int> JourneyAsync(HttpClient http, TextWriter output, CancellationToken ct)
    {
        // (a) Save an audience: members in the United States. POSTs take an Idempotency-Key (any unique text, e.g. a
        // UUID): if the answer is lost, sending the same request with the same key again within 24 hours answers the
        // first result again instead of saving a second audience.
        var key = Guid.NewGuid().ToString();
        var audienceRequest = new
        {
            name = $"API example {key[..8]}", // names are unique in the account
            targeting = new { include = new[] { new { facet = "Location", values = new[] { "US" } } }, exclude = Array.Empty<object>() },
        };
        var audience = await ReadAsync<Audience>(await http.SendAsync(Post("/api/v1/audiences", audienceRequest, key), ct), ct);
        await output.WriteLineAsync($"Saved audience {audience.Id} \"{audience.Name}\".");

        var retry = await http.SendAsync(Post("/api/v1/audiences", audienceRequest, key), ct);
        var again = await ReadAsync<Audience>(retry, ct);
        var replayed = retry.Headers.TryGetValues("Idempotent-Replayed", out var values) && values.Contains("true");
        await output.WriteLineAsync($"Retried with the same Idempotency-Key: audience {again.Id} (replayed: {replayed}).");

        // (b) How many members it reaches now; a launch later needs enough deliverable members.
        var count = await ReadAsync<AudienceCount>(await http.GetAsync($"/api/v1/audiences/{audience.Id}/count", ct), ct);
        await output.WriteLineAsync($"It matches {count.Matching:N0} members, {count.Deliverable:N0} of them deliverable now.");

        // (c) An active ad of the account. Lists come in pages: pass a page's nextCursor as cursor for the next one
        // (it is null on the last page).
        AdSummary? ad = null;
        string? cursor = null;
        do
        {
            var url = "/api/v1/ads?limit=50" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            var page = await ReadAsync<Page<AdSummary>>(await http.GetAsync(url, ct), ct);
            ad = page.Items.FirstOrDefault(a => a.Status == "Active");
            cursor = page.NextCursor;
        }
        while (ad is null && cursor is not null);
        if (ad is null)
        {
            await output.WriteLineAsync("The account has no active ad. Create one in the app (Ads) or with POST /api/v1/ads, then run this again.");
            return 2;
        }
        await output.WriteLineAsync($"Using ad {ad.Id} \"{ad.Name}\".");

        // (d) A draft campaign. Money is in integer cents (USD). The bid must be at least the installation's bid floor
        // (Campaigns:BidFloorCents, 25 cents by default; a lower bid is a 400 naming bidCents); the lifetime budget must
        // cover at least one send. No startAt: it starts as soon as it is launched.
        var campaignRequest = new
        {
            name = $"API example {key[..8]}",
            objective = "WebsiteVisits",
            audienceId = audience.Id,
            adId = ad.Id,
            bidCents = 50,               // $0.50 per send
            lifetimeBudgetCents = 10_000, // $100.00 in all
        };
        var draft = await ReadAsync<Campaign>(await http.SendAsync(Post("/api/v1/campaigns", campaignRequest, Guid.NewGuid().ToString()), ct), ct);
        await output.WriteLineAsync($"Created campaign {draft.Id} ({draft.Status}).");

        // (e) Read it back. The ETag is its version: sent back as If-None-Match it answers 304 while nothing changed,
        // and an update (PUT) may send it as If-Match to be refused (412) if someone else changed the campaign meanwhile.
        var read = await http.GetAsync($"/api/v1/campaigns/{draft.Id}", ct);
        var campaign = await ReadAsync<Campaign>(read, ct);
        var etag = read.Headers.ETag;
        await output.WriteLineAsync($"Read campaign {campaign.Id}: {campaign.Status}, bid {Dollars(campaign.BidCents)}, ETag {etag}.");
        using (var check = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/campaigns/{draft.Id}"))
        {
            if (etag is not null)
            {
                check.Headers.IfNoneMatch.Add(etag);
            }
            using var unchanged = await http.SendAsync(check, ct);
            await output.WriteLineAsync($"Asked again with If-None-Match: {(int)unchanged.StatusCode} {(unchanged.StatusCode == HttpStatusCode.NotModified ? "(unchanged)" : "")}".TrimEnd());
        }

        // (f) Submit it for review; an admin then approves it, and POST /api/v1/campaigns/{id}/launch starts it.
        var submitted = await ReadAsync<Campaign>(await http.PostAsync($"/api/v1/campaigns/{draft.Id}/submit", null, ct), ct);
        await output.WriteLineAsync($"Submitted campaign {submitted.Id}: now {submitted.Status}.");

        // (g) Its report: the campaign's whole life by default (or ?from=yyyy-MM-dd&to=yyyy-MM-dd, UTC days).
        var report = await ReadAsync<Report>(await http.GetAsync($"/api/v1/campaigns/{draft.Id}/report", ct), ct);
        await output.WriteLineAsync($"Report of campaign {report.CampaignId}: {report.Kpis.Sends:N0} sends, {Dollars(report.Kpis.SpendCents)} spent.");
        return 0;
    }

    /// <summary>A POST with a JSON body and, when given, an Idempotency-Key. A request can be sent once: make a new one to retry.</summary>
    private static HttpRequestMessage Post(string path, object body, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: Json) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return request;
    }

    /// <summary>The answer's JSON, or an <see cref="ApiProblemException"/> describing the problem details of an error.</summary>
    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        using var _ = response; // frees the body; the headers stay readable
        if (!response.IsSuccessStatusCode)
        {
            throw await ApiProblemException.FromAsync(response, ct);
        }
        return await response.Content.ReadFromJsonAsync<T>(Json, ct) ?? throw new InvalidOperationException("The answer had no body.");
    }

    private static string Dollars(long cents) => (cents / 100m).ToString("$#,##0.00", System.Globalization.CultureInfo.InvariantCulture);

    // Only the fields this example reads; the API sends more (see /openapi/v1.json).
    private sealed record Audience(int Id, string Name);
    private sealed record AudienceCount(int AudienceId, int Matching, int Deliverable);
    private sealed record Page<T>(List<T> Items, string? NextCursor);
    private sealed record AdSummary(int Id, string Name, string Status);
    private sealed record Campaign(int Id, string Name, string Status, long BidCents);
    private sealed record Report(int CampaignId, Kpis Kpis);
    private sealed record Kpis(long Sends, long SpendCents);

    /// <summary>
    /// An error answer. Every /api error is RFC 9457 problem details: title, detail, for invalid input errors (messages
    /// by field name), and traceId — quote it to support.
    /// </summary>
    private sealed class ApiProblemException(string message) : Exception(message)
    {
        public static async Task<ApiProblemException> FromAsync(HttpResponseMessage response, CancellationToken ct)
        {
            var text = $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery} failed: {(int)response.StatusCode} {response.StatusCode}";
            var body = await response.Content.ReadAsStringAsync(ct);
            try
            {
                using var problem = JsonDocument.Parse(body);
                var root = problem.RootElement;
                text += $"\n  title:   {Field(root, "title")}\n  detail:  {Field(root, "detail")}";
                if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
                {
                    foreach (var field in errors.EnumerateObject())
                    {
                        text += $"\n  {field.Name}: {string.Join(" ", field.Value.EnumerateArray().Select(m => m.GetString()))}";
                    }
                }
                text += $"\n  traceId: {Field(root, "traceId")}";
            }
            catch (JsonException)
            {
                text += $"\n  {body}"; // not problem details (e.g. a proxy's error page)
            }
            return new ApiProblemException(text);
        }

        private static string Field(JsonElement root, string name) =>
            root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) ? value.ToString() : "(none)";
    }
}
