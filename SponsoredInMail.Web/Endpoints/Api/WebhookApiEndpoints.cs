using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Webhooks;

namespace SponsoredInMail.Web.Endpoints.Api;

/// <summary>A webhook endpoint of the account: where its events are POSTed, signed with its secret.</summary>
/// <param name="Id">The endpoint's id.</param>
/// <param name="Url">The https:// address events are POSTed to.</param>
/// <param name="Events">The events it receives: <c>lead.created</c>, <c>campaign.status_changed</c>, <c>conversion.attributed</c>.</param>
/// <param name="Enabled">False while disabled (by a Manager, or automatically after failing for 24 hours); nothing is sent meanwhile.</param>
/// <param name="DisabledAt">When it was disabled, UTC; null while enabled.</param>
/// <param name="DisabledReason">Why and by whom it was disabled; null while enabled.</param>
/// <param name="Secret">
/// The signing secret (<c>whsec_…</c>) for checking the <c>Webhook-Signature</c> header. Only in answers about one endpoint
/// (never in the list), and only when the token's creator is a Manager of the account, as the webhooks page shows it
/// to Managers only; null otherwise.
/// </param>
/// <param name="Pending">Deliveries waiting for their next attempt.</param>
/// <param name="Failed">Deliveries that failed for 24 hours and were given up (replay them to send again).</param>
/// <param name="LastDeliveredAt">When a delivery last succeeded, UTC; null if none has yet.</param>
/// <param name="CreatedAt">When it was added, UTC.</param>
/// <param name="CreatedBy">The name of the team member who added it.</param>
/// <param name="UpdatedAt">Its last change (URL, events, enabled or secret), UTC: the version sent as ETag.</param>
public sealed record ApiWebhook(
    int Id, string Url, IReadOnlyList<string> Events, bool Enabled, DateTime? DisabledAt, string? DisabledReason, string? Secret,
    int Pending, int Failed, DateTime? LastDeliveredAt, DateTime CreatedAt, string CreatedBy, DateTime UpdatedAt)
{
    public static ApiWebhook From(WebhookEndpointView e, bool withSecret) => new(
        e.Id, e.Url, WebhookApiEndpoints.Names(e.Events), e.IsEnabled, e.DisabledAt, e.DisabledReason, withSecret && e.SecretVisible ? e.Secret : null,
        e.Pending, e.Failed, e.LastDeliveredAt, e.CreatedAt, e.CreatedBy, e.UpdatedAt);
}

/// <summary>A webhook endpoint's settings, to add one or to replace its URL and events (its secret and delivery log stay).</summary>
public sealed class ApiWebhookRequest
{
    /// <summary>
    /// An absolute https:// address of at most 2,048 characters, without a user name or password, on the public internet
    /// (not localhost, nor a loopback, private or link-local address).
    /// </summary>
    [Required]
    public string? Url { get; set; }

    /// <summary>One or more of <c>lead.created</c>, <c>campaign.status_changed</c>, <c>conversion.attributed</c>.</summary>
    [Required]
    public IReadOnlyList<string>? Events { get; set; }
}

/// <summary>One event queued for an endpoint, retried until delivered or given up; its attempts are listed separately.</summary>
/// <param name="Id">The delivery's id.</param>
/// <param name="EventType">The event: <c>lead.created</c>, <c>campaign.status_changed</c> or <c>conversion.attributed</c>.</param>
/// <param name="IdempotencyKey">The key sent as <c>Webhook-Id</c> on every attempt and replay, so a receiver can drop repeats.</param>
/// <param name="Status">Pending (waiting for an attempt), Delivered or Failed (given up after 24 hours).</param>
/// <param name="Sending">True while an attempt is in flight (a replay is refused meanwhile).</param>
/// <param name="Attempts">How many attempts were made.</param>
/// <param name="LastStatusCode">The HTTP status the receiver last answered; null if it did not answer.</param>
/// <param name="LastError">Why the last attempt failed without an answer (time-out, connection refused …); null otherwise.</param>
/// <param name="LastDurationMs">How long the last attempt took, in milliseconds.</param>
/// <param name="CreatedAt">When the event was queued, UTC.</param>
/// <param name="LastAttemptAt">When it was last attempted, UTC.</param>
/// <param name="NextAttemptAt">When it is attempted next, UTC; null once delivered or given up.</param>
/// <param name="DeliveredAt">When the receiver answered 2xx, UTC.</param>
public sealed record ApiWebhookDelivery(
    long Id, string EventType, string IdempotencyKey, WebhookDeliveryStatus Status, bool Sending, int Attempts, int? LastStatusCode, string? LastError,
    int? LastDurationMs, DateTime CreatedAt, DateTime? LastAttemptAt, DateTime? NextAttemptAt, DateTime? DeliveredAt)
{
    public static ApiWebhookDelivery From(WebhookDeliveryView d) => new(d.Id, d.EventType, d.IdempotencyKey, d.Status, d.Sending, d.Attempts,
        d.LastStatusCode, d.LastError, d.LastDurationMs, d.CreatedAt, d.LastAttemptAt, d.NextAttemptAt, d.DeliveredAt);
}

/// <summary>One attempt to send a delivery.</summary>
/// <param name="At">When it was made, UTC.</param>
/// <param name="StatusCode">The HTTP status the receiver answered; null if it did not answer.</param>
/// <param name="DurationMs">How long it took, in milliseconds.</param>
/// <param name="Error">Why it failed without an answer; null otherwise.</param>
public sealed record ApiWebhookAttempt(DateTime At, int? StatusCode, int DurationMs, string? Error);

/// <summary>Webhook endpoints and their delivery logs under <c>/api/v1/webhooks</c>.</summary>
public static class WebhookApiEndpoints
{
    private const string ManagerRule =
        " Changes need a read-write token whose creator is a Manager of the account (403 otherwise); every change is in the account's audit log.";

    public static void MapWebhookApi(this RouteGroupBuilder api)
    {
        var webhooks = api.MapGroup("/webhooks").WithTags("Webhooks");
        webhooks.MapGet("/", ListAsync).WithName("ListWebhooks").WithSummary("The account's webhook endpoints.")
            .WithDescription("The account's webhook endpoints (at most 10), oldest first, in cursor pages; enabled=true or false to get only those. " +
                "The list never carries signing secrets: read one endpoint for its secret.")
            .Produces<ApiList<ApiWebhook>>().ProducesValidationProblem();
        webhooks.MapGet("/{id:int}", GetAsync).WithName("GetWebhook").WithSummary("One webhook endpoint.")
            .WithDescription("One endpoint with its delivery counts, and its signing secret when the token's creator is a Manager of the account " +
                "(null otherwise, as the webhooks page masks it for Viewers). Sends an ETag; If-None-Match with it answers 304.")
            .Produces<ApiWebhook>().Produces(StatusCodes.Status304NotModified).ProducesProblem(StatusCodes.Status404NotFound);
        webhooks.MapPost("/", CreateAsync).WithName("CreateWebhook").WithSummary("Adds a webhook endpoint.")
            .WithDescription("Adds an endpoint with a new signing secret, answered with it (201). An account has at most 10 endpoints. The URL must " +
                "be https:// on the public internet: localhost, loopback, private and link-local addresses are refused (400 naming url)." + ManagerRule)
            .RequireAuthorization(ApiEndpoints.WritePolicy)
            .AddOpenApiOperationTransformer(ApiOpenApi.Body<ApiWebhookRequest>)
            .Produces<ApiWebhook>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        webhooks.MapPut("/{id:int}", UpdateAsync).WithName("UpdateWebhook").WithSummary("Replaces a webhook endpoint's URL and events.")
            .WithDescription("Replaces the URL and events (the secret and the delivery log stay), with the same rules as adding one. Send the ETag " +
                "as If-Match to be refused (412) when the endpoint changed since you read it." + ManagerRule)
            .RequireAuthorization(ApiEndpoints.WritePolicy)
            .AddOpenApiOperationTransformer(ApiOpenApi.Body<ApiWebhookRequest>)
            .Produces<ApiWebhook>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        MapAction(webhooks, "enable", "EnableWebhook", "Enables a disabled webhook endpoint.",
            "Sends to the endpoint again; its pending deliveries are attempted at once. 409 when it is already enabled." + ManagerRule,
            (s, user, account, id, ct) => s.EnableAsync(user, account, id, ct));
        MapAction(webhooks, "disable", "DisableWebhook", "Disables a webhook endpoint.",
            "Stops sending to the endpoint: no new events are queued for it and its pending deliveries wait until it is enabled. " +
            "409 when it is already disabled." + ManagerRule,
            (s, user, account, id, ct) => s.DisableAsync(user, account, id, ct));
        MapAction(webhooks, "rotate-secret", "RotateWebhookSecret", "Gives a webhook endpoint a new signing secret.",
            "A new signing secret, answered with the endpoint; the old one stops working at once, so update your receiver." + ManagerRule,
            (s, user, account, id, ct) => s.RotateSecretAsync(user, account, id, ct));
        webhooks.MapDelete("/{id:int}", DeleteAsync).WithName("DeleteWebhook").WithSummary("Deletes a webhook endpoint.")
            .WithDescription("Deletes the endpoint with its delivery log (204)." + ManagerRule)
            .RequireAuthorization(ApiEndpoints.WritePolicy)
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        webhooks.MapGet("/{id:int}/deliveries", DeliveriesAsync).WithName("ListWebhookDeliveries").WithSummary("A webhook endpoint's delivery log.")
            .WithDescription("The endpoint's deliveries, newest first, in cursor pages; status=Pending, Delivered or Failed to get only those.")
            .Produces<ApiList<ApiWebhookDelivery>>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        webhooks.MapGet("/{id:int}/deliveries/{deliveryId:long}/attempts", AttemptsAsync).WithName("ListWebhookDeliveryAttempts")
            .WithSummary("Every attempt of one delivery.")
            .WithDescription("Every attempt to send one delivery of the endpoint, newest first, all at once (a delivery is attempted at most a few dozen " +
                "times: retries with back-off for 24 hours, plus replays).")
            .Produces<IReadOnlyList<ApiWebhookAttempt>>().ProducesProblem(StatusCodes.Status404NotFound);
        webhooks.MapPost("/{id:int}/deliveries/{deliveryId:long}/replay", ReplayAsync).WithName("ReplayWebhookDelivery")
            .WithSummary("Sends a delivery again, now.")
            .WithDescription("Queues the delivery to be sent again at once with the same idempotency key (a receiver that has it already can drop it), " +
                "answered with the delivery. A delivery older than the 24-hour retry window gets this one attempt; a younger one carries on with " +
                "back-off if it fails. 409 when the endpoint is disabled or the delivery is being sent right now." + ManagerRule)
            .RequireAuthorization(ApiEndpoints.WritePolicy)
            .Produces<ApiWebhookDelivery>().ProducesValidationProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>The wire names of an endpoint's events, in the page's order.</summary>
    public static IReadOnlyList<string> Names(WebhookEvents events) =>
        [.. WebhookRules.Events.Where(e => events.HasFlag(e.Flag)).Select(e => e.Type)];

    private static async Task<IResult> ListAsync(ClaimsPrincipal user, WebhookService webhooks, bool? enabled, int? limit, string? cursor, CancellationToken ct)
    {
        var parsed = ApiLists.Parse(limit, cursor);
        if (!parsed.Succeeded)
        {
            return ApiResults.Invalid(parsed.Outcome.Errors);
        }
        var caller = user.ApiCaller();
        var list = await webhooks.ListAsync(caller.ActingUserId, caller.AccountId, ct);
        var items = list.Where(e => enabled is null || e.IsEnabled == enabled).Select(e => ApiWebhook.From(e, withSecret: false));
        return TypedResults.Ok(ApiLists.Page(items, e => e.Id, parsed.Value!));
    }

    private static async Task<IResult> GetAsync(int id, HttpContext http, ClaimsPrincipal user, WebhookService webhooks, CancellationToken ct)
    {
        var caller = user.ApiCaller();
        return await webhooks.GetAsync(caller.ActingUserId, caller.AccountId, id, ct) is { } endpoint
            ? ApiVersions.Ok(http, ApiWebhook.From(endpoint, withSecret: true), endpoint.UpdatedAt)
            : ApiResults.NotFound("Webhook endpoint");
    }

    private static async Task<IResult> CreateAsync(
        HttpRequest request, ClaimsPrincipal user, WebhookService webhooks, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct)
    {
        var (input, problem) = await ReadAsync(request, json.Value, ct);
        if (problem is not null)
        {
            return problem;
        }
        var caller = user.ApiCaller();
        var created = await webhooks.CreateAsync(caller.ActingUserId, caller.AccountId, input!, ct);
        if (!created.Succeeded)
        {
            return Refused(created.Outcome);
        }
        var endpoint = created.Value!;
        ApiVersions.Tag(request.HttpContext, endpoint.UpdatedAt);
        return TypedResults.Created($"/api/v1/webhooks/{endpoint.Id}", ApiWebhook.From(endpoint, withSecret: true));
    }

    private static async Task<IResult> UpdateAsync(
        int id, HttpRequest request, ClaimsPrincipal user, WebhookService webhooks, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct)
    {
        var caller = user.ApiCaller();
        var current = await webhooks.GetAsync(caller.ActingUserId, caller.AccountId, id, ct);
        if (current is null)
        {
            return ApiResults.NotFound("Webhook endpoint");
        }
        if (ApiVersions.PreconditionFailed(request.HttpContext, current.UpdatedAt) is { } stale)
        {
            return stale;
        }
        var (input, problem) = await ReadAsync(request, json.Value, ct);
        if (problem is not null)
        {
            return problem;
        }
        var updated = await webhooks.UpdateAsync(caller.ActingUserId, caller.AccountId, id, input!, ct);
        return updated.Succeeded ? await ResponseAsync(request.HttpContext, caller, webhooks, id, ct) : Refused(updated);
    }

    private delegate Task<Result> Action(WebhookService webhooks, string userId, int accountId, int endpointId, CancellationToken ct);

    private static void MapAction(RouteGroupBuilder webhooks, string verb, string name, string summary, string description, Action action) =>
        webhooks.MapPost($"/{{id:int}}/{verb}", async (int id, HttpContext http, ClaimsPrincipal user, WebhookService service, CancellationToken ct) =>
            {
                var caller = user.ApiCaller();
                var done = await action(service, caller.ActingUserId, caller.AccountId, id, ct);
                return done.Succeeded ? await ResponseAsync(http, caller, service, id, ct) : Refused(done);
            })
            .WithName(name).WithSummary(summary).WithDescription(description).RequireAuthorization(ApiEndpoints.WritePolicy)
            .Produces<ApiWebhook>().ProducesValidationProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<IResult> DeleteAsync(int id, ClaimsPrincipal user, WebhookService webhooks, CancellationToken ct)
    {
        var caller = user.ApiCaller();
        var deleted = await webhooks.DeleteAsync(caller.ActingUserId, caller.AccountId, id, ct);
        return deleted.Succeeded ? TypedResults.NoContent() : Refused(deleted);
    }

    private static async Task<IResult> DeliveriesAsync(
        int id, ClaimsPrincipal user, WebhookService webhooks, WebhookDeliveryStatus? status, int? limit, string? cursor, CancellationToken ct)
    {
        var parsed = ApiLists.Parse(limit, cursor);
        if (!parsed.Succeeded)
        {
            return ApiResults.Invalid(parsed.Outcome.Errors);
        }
        var caller = user.ApiCaller();
        if (await webhooks.GetAsync(caller.ActingUserId, caller.AccountId, id, ct) is null)
        {
            return ApiResults.NotFound("Webhook endpoint");
        }
        var page = parsed.Value!;
        var rows = await webhooks.DeliveriesAsync(caller.ActingUserId, caller.AccountId, id, status, page.After, page.Limit + 1, ct);
        return TypedResults.Ok(ApiLists.Of(rows.Select(ApiWebhookDelivery.From).ToList(), d => d.Id, page.Limit));
    }

    private static async Task<IResult> AttemptsAsync(int id, long deliveryId, ClaimsPrincipal user, WebhookService webhooks, CancellationToken ct)
    {
        var caller = user.ApiCaller();
        if (await webhooks.DeliveryAsync(caller.ActingUserId, caller.AccountId, id, deliveryId, ct) is null)
        {
            return ApiResults.NotFound("Delivery");
        }
        var attempts = await webhooks.AttemptsAsync(caller.ActingUserId, caller.AccountId, deliveryId, ct);
        return TypedResults.Ok(attempts.Select(a => new ApiWebhookAttempt(a.At, a.StatusCode, a.DurationMs, a.Error)).ToList());
    }

    private static async Task<IResult> ReplayAsync(int id, long deliveryId, ClaimsPrincipal user, WebhookService webhooks, CancellationToken ct)
    {
        var caller = user.ApiCaller();
        var replayed = await webhooks.ReplayAsync(caller.ActingUserId, caller.AccountId, id, deliveryId, ct);
        if (!replayed.Succeeded)
        {
            return Refused(replayed);
        }
        return await webhooks.DeliveryAsync(caller.ActingUserId, caller.AccountId, id, deliveryId, ct) is { } delivery
            ? TypedResults.Ok(ApiWebhookDelivery.From(delivery))
            : ApiResults.NotFound("Delivery");
    }

    private static async Task<IResult> ResponseAsync(HttpContext http, Core.Api.ApiCaller caller, WebhookService webhooks, int id, CancellationToken ct)
    {
        if (await webhooks.GetAsync(caller.ActingUserId, caller.AccountId, id, ct) is not { } endpoint)
        {
            return ApiResults.NotFound("Webhook endpoint");
        }
        ApiVersions.Tag(http, endpoint.UpdatedAt);
        return TypedResults.Ok(ApiWebhook.From(endpoint, withSecret: true));
    }

    /// <summary>Core's refusals; one about the endpoint's or delivery's state (already enabled, disabled, being sent) is a 409.</summary>
    private static IResult Refused(Result refusal)
    {
        var errors = refusal.Errors;
        if (errors.Count > 0 && errors.All(e => e.Field is "webhook" or "delivery") && !errors[0].Message.EndsWith("not found.", StringComparison.Ordinal))
        {
            return Results.ValidationProblem(errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
                statusCode: StatusCodes.Status409Conflict, title: "The webhook's state does not allow this.", detail: errors[0].Message);
        }
        return ApiResults.Refused(refusal);
    }

    private static async Task<(WebhookEndpointInput? Input, IResult? Problem)> ReadAsync(
        HttpRequest request, Microsoft.AspNetCore.Http.Json.JsonOptions json, CancellationToken ct)
    {
        var (body, problem) = await ApiJson.ReadAsync<ApiWebhookRequest>(request, json.SerializerOptions, ct);
        if (problem is not null)
        {
            return (null, problem);
        }
        var errors = new List<FieldError>();
        if (body!.Url is null)
        {
            errors.Add(new FieldError("url", "url is required: the https:// address to POST events to."));
        }
        var events = WebhookEvents.None;
        if (body.Events is null)
        {
            errors.Add(new FieldError("events", $"events is required: one or more of {string.Join(", ", WebhookRules.Events.Select(e => e.Type))}."));
        }
        else
        {
            foreach (var name in body.Events)
            {
                if (WebhookRules.Events.FirstOrDefault(e => e.Type == name) is { Type: not null } known)
                {
                    events |= known.Flag;
                }
                else
                {
                    errors.Add(new FieldError("events", $"\"{name}\" is not an event; use {string.Join(", ", WebhookRules.Events.Select(e => e.Type))}."));
                }
            }
        }
        return errors.Count > 0 ? (null, ApiResults.Invalid(errors)) : (new WebhookEndpointInput(body.Url, events), null);
    }
}
