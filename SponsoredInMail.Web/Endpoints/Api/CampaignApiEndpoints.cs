using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Variants;

namespace SponsoredInMail.Web.Endpoints.Api;

/// <summary>
/// The settings of a campaign that may change while it is approved, active or paused. Only the properties sent change:
/// a property left out keeps its value; <c>dailyBudgetCents</c> or <c>endAt</c> sent as null removes the daily limit or the end.
/// </summary>
public sealed class ApiRunningSettingsRequest
{
    private long? _dailyBudgetCents;
    private DateTime? _endAt;

    /// <summary>The new price of one send, in cents; left out or null keeps the bid.</summary>
    public long? BidCents { get; set; }

    /// <summary>
    /// The new lifetime budget, in cents; left out or null keeps it. Lowered to or below what is already spent, the
    /// campaign stops (the budget becomes the spend; nothing is refunded).
    /// </summary>
    public long? LifetimeBudgetCents { get; set; }

    /// <summary>The new daily budget, in cents (at least the bid, at most the lifetime budget); null for no daily limit; left out keeps it.</summary>
    public long? DailyBudgetCents
    {
        get => _dailyBudgetCents;
        set => (_dailyBudgetCents, DailyBudgetSent) = (value, true);
    }

    /// <summary>The new end (UTC, in the future); null for no end; left out keeps it.</summary>
    public DateTime? EndAt
    {
        get => _endAt;
        set => (_endAt, EndSent) = (value, true);
    }

    [JsonIgnore]
    internal bool DailyBudgetSent { get; private set; }

    [JsonIgnore]
    internal bool EndSent { get; private set; }
}

/// <summary>The share of a campaign's audience held out, never sent, to measure incremental lift.</summary>
public sealed class ApiHoldoutRequest
{
    /// <summary>Percent of the eligible audience held out, a whole number from 0 (none) to 20.</summary>
    [Required]
    public int? HoldoutPercent { get; set; }
}

/// <summary>Ends a campaign's A/B test: from its next batch every send carries the winner, to the rest of the audience.</summary>
public sealed class ApiEndAbTestRequest
{
    /// <summary>The ad that won: one of the test's two ads (see <c>GET /campaigns/{id}/variants</c>, its <c>suggestedWinner</c>).</summary>
    [Required]
    public int? WinnerAdId { get; set; }
}

/// <summary>One move of a campaign between states.</summary>
/// <param name="Id">The move's id; moves are listed in the order they happened.</param>
/// <param name="From">The state before.</param>
/// <param name="To">The state after.</param>
/// <param name="At">When it moved (UTC).</param>
/// <param name="Reason">Why, when a reason was given (a rejection, a cancellation, a withdrawal, a completion); else null.</param>
public sealed record ApiCampaignStatusChange(long Id, CampaignStatus From, CampaignStatus To, DateTime At, string? Reason);

/// <summary>
/// Campaigns under <c>/api/v1/campaigns</c>: the list, one campaign, drafts and their settings, the moves of a
/// campaign's life, its status history, its ads (variants) and its A/B test. Settings: <c>PUT /campaigns/{id}</c>
/// replaces a draft's (or rejected campaign's) full settings; <c>POST /campaigns/{id}/settings</c> changes the bid,
/// budgets and end of an approved, active or paused campaign; <c>POST /campaigns/{id}/holdout</c> the holdout until launch.
/// </summary>
public static class CampaignApiEndpoints
{
    public static void MapCampaignApi(this RouteGroupBuilder api)
    {
        var campaigns = api.MapGroup("/campaigns").WithTags("Campaigns");
        campaigns.MapGet("/", ListAsync).WithName("ListCampaigns").WithSummary("The account's campaigns with spend and sends so far.")
            .WithDescription("Oldest first, in pages (limit 1–200, default 50; pass nextCursor as cursor for the next page). Filter by status; "
                + "archived campaigns are left out (as in the app's list) unless includeArchived=true or status=Archived.")
            .Produces<ApiList<CampaignSummary>>().ProducesValidationProblem();
        campaigns.MapGet("/{id:int}", GetAsync).WithName("GetCampaign").WithSummary("One campaign: settings, state and live progress.")
            .WithDescription("Sends an ETag (the campaign's version, its last settings or state change); send it back as If-None-Match for a 304 "
                + "when nothing changed, or as If-Match on an update to refuse it (412) if someone changed the campaign meanwhile.")
            .Produces<ApiCampaign>().Produces(StatusCodes.Status304NotModified).ProducesProblem(StatusCodes.Status404NotFound);
        campaigns.MapPost("/", CreateAsync).WithName("CreateCampaignDraft").WithSummary("Creates a campaign draft.")
            .WithDescription("A new draft with these settings (money in cents, times UTC). The audience and ads may come later; submitting needs them. "
                + "Answers 201 with the draft and its location.")
            .RequireAuthorization(ApiEndpoints.WritePolicy)
            .AddOpenApiOperationTransformer(ApiOpenApi.Body<ApiCampaignRequest>)
            .Produces<ApiCampaign>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        campaigns.MapPut("/{id:int}", UpdateDraftAsync).WithName("UpdateCampaignDraft").WithSummary("Replaces a draft's settings.")
            .WithDescription("Replaces every setting of a draft or a rejected campaign (same body as creating one; a rejected campaign becomes a draft "
                + "again). Any other state is a 409: change a running campaign's bid, budgets and end with POST /campaigns/{id}/settings. "
                + "With If-Match, refused with 412 when the campaign changed since that version.")
            .RequireAuthorization(ApiEndpoints.WritePolicy)
            .AddOpenApiOperationTransformer(ApiOpenApi.Body<ApiCampaignRequest>)
            .Produces<ApiCampaign>().ProducesValidationProblem().ProducesValidationProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        campaigns.MapPost("/{id:int}/settings", UpdateRunningAsync).WithName("UpdateCampaignRunningSettings")
            .WithSummary("Changes the bid, budgets or end of an approved, active or paused campaign.")
            .WithDescription("Only the properties sent change (null daily budget or end removes it). The delivery engine reads them at its next batch. "
                + "A lifetime budget lowered to or below the spend stops the campaign; nothing is refunded. Drafts are edited with PUT /campaigns/{id}; "
                + "other states are a 409. With If-Match, refused with 412 when the campaign changed since that version.")
            .RequireAuthorization(ApiEndpoints.WritePolicy)
            .AddOpenApiOperationTransformer(ApiOpenApi.Body<ApiRunningSettingsRequest>)
            .Produces<ApiCampaign>().ProducesValidationProblem().ProducesValidationProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        campaigns.MapPost("/{id:int}/holdout", SetHoldoutAsync).WithName("SetCampaignHoldout")
            .WithSummary("Sets the share of the audience held out to measure incremental lift.")
            .WithDescription("0–20 percent of the eligible audience is never sent, as a control group. It can change until the campaign launches "
                + "(draft, rejected, in review or approved); after launch it is fixed (409). With If-Match, refused with 412 when the campaign changed.")
            .RequireAuthorization(ApiEndpoints.WritePolicy)
            .AddOpenApiOperationTransformer(ApiOpenApi.Body<ApiHoldoutRequest>)
            .Produces<ApiCampaign>().ProducesValidationProblem().ProducesValidationProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        MapMove(campaigns, "submit", "SubmitCampaign", "Submits a complete draft for review.",
            "A draft with an audience and ads moves to InReview; an admin then approves or rejects it. Missing settings are a 400 naming them; "
            + "another state is a 409.", invalid: true, (s, user, account, id, ct) => s.SubmitAsync(user, account, id, ct));
        MapMove(campaigns, "withdraw", "WithdrawCampaign", "Withdraws a campaign from review, back to a draft.",
            "Only a campaign in review can be withdrawn (409 otherwise); it becomes a draft to edit and submit again.", invalid: false,
            (s, user, account, id, ct) => s.WithdrawAsync(user, account, id, ct));
        MapMove(campaigns, "launch", "LaunchCampaign", "Launches an approved campaign: it sends from its start (at once when the start has passed).",
            "Only an approved campaign can be launched (409 otherwise; a paused one is resumed). Refused with 400 when its end has passed or too few "
            + "members can receive it now.", invalid: true, (s, user, account, id, ct) => s.LaunchAsync(user, account, id, ct));
        MapMove(campaigns, "pause", "PauseCampaign", "Pauses an active campaign.",
            "It stops sending until resumed. Only an active campaign can be paused (409 otherwise).", invalid: false,
            (s, user, account, id, ct) => s.PauseAsync(user, account, id, ct));
        MapMove(campaigns, "resume", "ResumeCampaign", "Resumes a paused campaign (not one an admin paused; an approved one is launched instead).",
            "Only a campaign the marketer paused can be resumed (409 otherwise).", invalid: false, (s, user, account, id, ct) => s.ResumeAsync(user, account, id, ct));
        MapMove(campaigns, "cancel", "CancelCampaign", "Cancels a campaign for good.",
            "A campaign in review, approved, active or paused stops for good; it cannot be resumed (duplicate it to run it again). Other states are a 409.",
            invalid: false, (s, user, account, id, ct) => s.CancelAsync(user, account, id, ct));
        MapMove(campaigns, "archive", "ArchiveCampaign", "Archives a draft, rejected, completed or canceled campaign.",
            "Archived campaigns leave the list (unless asked for) and cannot change. A campaign in review or running must be canceled or "
            + "completed first (409).", invalid: false, (s, user, account, id, ct) => s.ArchiveAsync(user, account, id, ct));
        campaigns.MapPost("/{id:int}/duplicate", DuplicateAsync).WithName("DuplicateCampaign").WithSummary("Copies a campaign into a new draft.")
            .WithDescription("A new draft named \"Copy of …\" with the same settings, in any state of the original. A start in the past becomes now; "
                + "an audience or ad that can no longer be used is left out. Answers 201 with the new draft.")
            .RequireAuthorization(ApiEndpoints.WritePolicy)
            .Produces<ApiCampaign>(StatusCodes.Status201Created).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        campaigns.MapGet("/{id:int}/history", HistoryAsync).WithName("ListCampaignStatusHistory").WithSummary("A campaign's moves between states.")
            .WithDescription("Every change of state, oldest first, with its reason when one was given; in pages (limit 1–200, default 50; cursor).")
            .Produces<ApiList<ApiCampaignStatusChange>>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        campaigns.MapGet("/{id:int}/variants", VariantsAsync).WithName("GetCampaignVariants")
            .WithSummary("A campaign's ads, how sends are shared between them, and the A/B test's verdict so far.")
            .WithDescription("Each ad with its review, sends, opens, clicks, leads and share of sends. For an A/B test of two ads: each side's rate "
                + "with its 95% interval, the probability that B beats A, the winner once one is 95% sure on enough sends, and the suggested winner.")
            .Produces<CampaignVariantsView>().ProducesProblem(StatusCodes.Status404NotFound);
        campaigns.MapPost("/{id:int}/ab-test/end", EndAbTestAsync).WithName("EndCampaignAbTest").WithSummary("Ends an A/B test with a winner.")
            .WithDescription("From its next batch every send of the campaign carries the winner (one of the test's two ads), to the rest of the audience. "
                + "Only a running or paused A/B test that has not ended can be ended (409 otherwise).")
            .RequireAuthorization(ApiEndpoints.WritePolicy)
            .AddOpenApiOperationTransformer(ApiOpenApi.Body<ApiEndAbTestRequest>)
            .Produces<ApiCampaign>().ProducesValidationProblem().ProducesValidationProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
    }

    private static async Task<IResult> ListAsync(
        ClaimsPrincipal user, CampaignOverview overview, CampaignStatus? status, bool? includeArchived, int? limit, string? cursor, CancellationToken ct)
    {
        var parsed = ApiLists.Parse(limit, cursor);
        if (!parsed.Succeeded)
        {
            return ApiResults.Invalid(parsed.Outcome.Errors);
        }
        var caller = user.ApiCaller();
        var list = await overview.ListAsync(caller.ActingUserId, caller.AccountId, ct);
        var shown = list.Where(c => status is { } wanted ? c.Status == wanted : includeArchived == true || c.Status != CampaignStatus.Archived);
        return TypedResults.Ok(ApiLists.Page(shown, c => c.Id, parsed.Value!));
    }

    private static async Task<IResult> GetAsync(
        int id, HttpContext http, ClaimsPrincipal user, CampaignService campaigns, CampaignOverview overview, IDbContextFactory<AppDbContext> factory, CancellationToken ct)
    {
        var caller = user.ApiCaller();
        return await ReadAsync(caller, id, campaigns, overview, factory, ct) is { } campaign
            ? ApiVersions.Ok(http, campaign, campaign.UpdatedAt)
            : ApiResults.NotFound("Campaign");
    }

    private static async Task<IResult> CreateAsync(
        HttpRequest request, ClaimsPrincipal user, CampaignService campaigns, IDbContextFactory<AppDbContext> factory,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, TimeProvider clock, CancellationToken ct)
    {
        var (body, problem) = await ReadCampaignBodyAsync(request, json.Value.SerializerOptions, ct);
        if (problem is not null)
        {
            return problem;
        }
        var input = body!.ToInput(clock.GetUtcNow().UtcDateTime);
        if (!input.Succeeded)
        {
            return ApiResults.Invalid(input.Outcome.Errors, body.Fields);
        }
        var caller = user.ApiCaller();
        var created = await campaigns.CreateDraftAsync(caller.ActingUserId, caller.AccountId, input.Value!, ct);
        if (!created.Succeeded)
        {
            return ApiResults.Refused(created.Outcome, body.Fields);
        }
        return await CreatedAsync(request.HttpContext, caller, created.Value, campaigns, factory, ct);
    }

    private static async Task<IResult> UpdateDraftAsync(
        int id, HttpRequest request, ClaimsPrincipal user, CampaignService campaigns, CampaignOverview overview, IDbContextFactory<AppDbContext> factory,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, TimeProvider clock, CancellationToken ct)
    {
        var (body, problem) = await ReadCampaignBodyAsync(request, json.Value.SerializerOptions, ct);
        if (problem is not null)
        {
            return problem;
        }
        var input = body!.ToInput(clock.GetUtcNow().UtcDateTime);
        if (!input.Succeeded)
        {
            return ApiResults.Invalid(input.Outcome.Errors, body.Fields);
        }
        var caller = user.ApiCaller();
        if (await campaigns.GetAsync(caller.ActingUserId, caller.AccountId, id, ct) is not { } current)
        {
            return ApiResults.NotFound("Campaign");
        }
        if (ApiVersions.PreconditionFailed(request.HttpContext, current.UpdatedAt) is { } stale)
        {
            return stale;
        }
        var updated = await campaigns.UpdateDraftAsync(caller.ActingUserId, caller.AccountId, id, input.Value!, ct);
        return updated.Succeeded
            ? await UpdatedAsync(request.HttpContext, caller, id, campaigns, overview, factory, ct)
            : ApiResults.Refused(updated, body.Fields);
    }

    private static async Task<IResult> UpdateRunningAsync(
        int id, HttpRequest request, ClaimsPrincipal user, CampaignService campaigns, CampaignOverview overview, IDbContextFactory<AppDbContext> factory,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct)
    {
        var (body, problem) = await ApiJson.ReadAsync<ApiRunningSettingsRequest>(request, json.Value.SerializerOptions, ct);
        if (problem is not null)
        {
            return problem;
        }
        var caller = user.ApiCaller();
        if (await campaigns.GetAsync(caller.ActingUserId, caller.AccountId, id, ct) is not { } current)
        {
            return ApiResults.NotFound("Campaign");
        }
        if (ApiVersions.PreconditionFailed(request.HttpContext, current.UpdatedAt) is { } stale)
        {
            return stale;
        }
        var endAt = body!.EndSent ? Utc(body.EndAt) : current.EndAt;
        var updated = await campaigns.UpdateRunningAsync(caller.ActingUserId, caller.AccountId, id, body.BidCents ?? current.BidCents,
            body.LifetimeBudgetCents ?? current.LifetimeBudgetCents, body.DailyBudgetSent ? body.DailyBudgetCents : current.DailyBudgetCents, endAt, ct);
        return updated.Succeeded
            ? await UpdatedAsync(request.HttpContext, caller, id, campaigns, overview, factory, ct)
            : ApiResults.Refused(updated, ApiCampaignRequest.CoreFields);
    }

    private static async Task<IResult> SetHoldoutAsync(
        int id, HttpRequest request, ClaimsPrincipal user, CampaignService campaigns, CampaignOverview overview, IDbContextFactory<AppDbContext> factory,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct)
    {
        var (body, problem) = await ApiJson.ReadAsync<ApiHoldoutRequest>(request, json.Value.SerializerOptions, ct);
        if (problem is not null)
        {
            return problem;
        }
        if (body!.HoldoutPercent is not { } percent)
        {
            return ApiResults.Invalid("holdoutPercent", "holdoutPercent is required: a whole number of percent from 0 to 20.");
        }
        var caller = user.ApiCaller();
        if (await campaigns.GetAsync(caller.ActingUserId, caller.AccountId, id, ct) is not { } current)
        {
            return ApiResults.NotFound("Campaign");
        }
        if (ApiVersions.PreconditionFailed(request.HttpContext, current.UpdatedAt) is { } stale)
        {
            return stale;
        }
        var set = await campaigns.SetHoldoutAsync(caller.ActingUserId, caller.AccountId, id, percent, ct);
        return set.Succeeded
            ? await UpdatedAsync(request.HttpContext, caller, id, campaigns, overview, factory, ct)
            : ApiResults.Refused(set, ApiCampaignRequest.CoreFields);
    }

    private static async Task<IResult> DuplicateAsync(
        int id, HttpContext http, ClaimsPrincipal user, CampaignService campaigns, IDbContextFactory<AppDbContext> factory, CancellationToken ct)
    {
        var caller = user.ApiCaller();
        var copied = await campaigns.DuplicateAsync(caller.ActingUserId, caller.AccountId, id, ct);
        return copied.Succeeded
            ? await CreatedAsync(http, caller, copied.Value, campaigns, factory, ct)
            : ApiResults.Refused(copied.Outcome, ApiCampaignRequest.CoreFields);
    }

    private static async Task<IResult> HistoryAsync(int id, ClaimsPrincipal user, CampaignService campaigns, int? limit, string? cursor, CancellationToken ct)
    {
        var parsed = ApiLists.Parse(limit, cursor);
        if (!parsed.Succeeded)
        {
            return ApiResults.Invalid(parsed.Outcome.Errors);
        }
        var caller = user.ApiCaller();
        if (await campaigns.GetAsync(caller.ActingUserId, caller.AccountId, id, ct) is null)
        {
            return ApiResults.NotFound("Campaign");
        }
        var history = await campaigns.HistoryAsync(caller.ActingUserId, caller.AccountId, id, ct);
        return TypedResults.Ok(ApiLists.Page(history.Select(h => new ApiCampaignStatusChange(h.Id, h.From, h.To, h.At, h.Reason)), h => h.Id, parsed.Value!));
    }

    private static async Task<IResult> VariantsAsync(int id, ClaimsPrincipal user, VariantService variants, CancellationToken ct)
    {
        var caller = user.ApiCaller();
        return await variants.GetAsync(caller.ActingUserId, caller.AccountId, id, ct) is { } view ? TypedResults.Ok(view) : ApiResults.NotFound("Campaign");
    }

    private static async Task<IResult> EndAbTestAsync(
        int id, HttpRequest request, ClaimsPrincipal user, VariantService variants, CampaignService campaigns, CampaignOverview overview,
        IDbContextFactory<AppDbContext> factory, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct)
    {
        var (body, problem) = await ApiJson.ReadAsync<ApiEndAbTestRequest>(request, json.Value.SerializerOptions, ct);
        if (problem is not null)
        {
            return problem;
        }
        if (body!.WinnerAdId is not { } winner)
        {
            return ApiResults.Invalid("winnerAdId", "winnerAdId is required: one of the test's two ads.");
        }
        var caller = user.ApiCaller();
        var ended = await variants.EndAbTestAsync(caller.ActingUserId, caller.AccountId, id, winner, ct);
        return ended.Succeeded
            ? await UpdatedAsync(request.HttpContext, caller, id, campaigns, overview, factory, ct)
            : ApiResults.Refused(ended, new Dictionary<string, string> { ["winner"] = "winnerAdId" });
    }

    private delegate Task<Result> Move(CampaignService campaigns, string userId, int accountId, int campaignId, CancellationToken ct);

    /// <summary>A state move: <c>POST /campaigns/{id}/verb</c> → 200 with the campaign; <paramref name="invalid"/> when its checks can also answer 400.</summary>
    private static void MapMove(RouteGroupBuilder campaigns, string verb, string name, string summary, string description, bool invalid, Move move)
    {
        var endpoint = campaigns.MapPost($"/{{id:int}}/{verb}", async (
                int id, HttpContext http, ClaimsPrincipal user, CampaignService service, CampaignOverview overview, IDbContextFactory<AppDbContext> factory,
                CancellationToken ct) =>
            {
                var caller = user.ApiCaller();
                var moved = await move(service, caller.ActingUserId, caller.AccountId, id, ct);
                return moved.Succeeded
                    ? await UpdatedAsync(http, caller, id, service, overview, factory, ct)
                    : ApiResults.Refused(moved, ApiCampaignRequest.CoreFields);
            })
            .WithName(name).WithSummary(summary).WithDescription(description).RequireAuthorization(ApiEndpoints.WritePolicy)
            .Produces<ApiCampaign>().ProducesValidationProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        if (invalid)
        {
            endpoint.ProducesValidationProblem();
        }
    }

    /// <summary>The campaign with its ads and progress, or null when the caller cannot see it.</summary>
    private static async Task<ApiCampaign?> ReadAsync(
        Core.Api.ApiCaller caller, int id, CampaignService campaigns, CampaignOverview overview, IDbContextFactory<AppDbContext> factory, CancellationToken ct)
    {
        var campaign = await campaigns.GetAsync(caller.ActingUserId, caller.AccountId, id, ct);
        if (campaign is null)
        {
            return null;
        }
        var progress = await overview.ProgressAsync(caller.ActingUserId, caller.AccountId, id, ct);
        return ApiCampaign.From(campaign, await AdIdsAsync(factory, id, ct), progress);
    }

    /// <summary>200 with the campaign just changed and its new ETag.</summary>
    private static async Task<IResult> UpdatedAsync(
        HttpContext http, Core.Api.ApiCaller caller, int id, CampaignService campaigns, CampaignOverview overview, IDbContextFactory<AppDbContext> factory,
        CancellationToken ct)
    {
        if (await ReadAsync(caller, id, campaigns, overview, factory, ct) is not { } campaign)
        {
            return ApiResults.NotFound("Campaign");
        }
        ApiVersions.Tag(http, campaign.UpdatedAt);
        return TypedResults.Ok(campaign);
    }

    /// <summary>201 with a draft just made, its location and ETag.</summary>
    private static async Task<IResult> CreatedAsync(
        HttpContext http, Core.Api.ApiCaller caller, int id, CampaignService campaigns, IDbContextFactory<AppDbContext> factory, CancellationToken ct)
    {
        var campaign = await campaigns.GetAsync(caller.ActingUserId, caller.AccountId, id, ct);
        ApiVersions.Tag(http, campaign!.UpdatedAt);
        return TypedResults.Created($"/api/v1/campaigns/{id}", ApiCampaign.From(campaign, await AdIdsAsync(factory, id, ct), null));
    }

    /// <summary>A campaign's ads in order; only ever asked for a campaign the caller has just read through Core's account check.</summary>
    private static async Task<IReadOnlyList<int>> AdIdsAsync(IDbContextFactory<AppDbContext> factory, int campaignId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await CampaignVariants.AdIdsAsync(db, campaignId, ct);
    }

    /// <summary>
    /// Reads a campaign body like <see cref="ApiJson"/>, but a value of the wrong type is named by its top-level property with what
    /// it expects (an element of <c>adIds</c> names <c>adIds</c>).
    /// </summary>
    private static async Task<(ApiCampaignRequest? Body, IResult? Problem)> ReadCampaignBodyAsync(HttpRequest request, JsonSerializerOptions options, CancellationToken ct)
    {
        if (!request.HasJsonContentType())
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Send JSON.",
                detail: "The body must be a JSON object with Content-Type: application/json."));
        }
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, ApiResults.Invalid("body", "The body must be a JSON object."));
            }
            try
            {
                return document.Deserialize<ApiCampaignRequest>(options) is { } body
                    ? (body, null)
                    : (null, ApiResults.Invalid("body", "The body must be a JSON object."));
            }
            catch (JsonException e)
            {
                return (null, WrongType(e));
            }
        }
        catch (JsonException e)
        {
            return (null, ApiResults.Invalid("body", $"The body is not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1})."));
        }
    }

    /// <summary>A value of the wrong type in a well-formed body: 400 naming the property and what it expects.</summary>
    private static IResult WrongType(JsonException e)
    {
        var property = e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..].Split('.', '[')[0] : null;
        if (property is not null && ApiCampaignRequest.Expected.Keys.FirstOrDefault(k => string.Equals(k, property, StringComparison.OrdinalIgnoreCase)) is { } known)
        {
            return ApiResults.Invalid(known, $"{known} must be {ApiCampaignRequest.Expected[known]}.");
        }
        return ApiResults.Invalid(property ?? "body", $"{property ?? "The body"} has a value of the wrong type.");
    }

    private static DateTime? Utc(DateTime? value) => value switch
    {
        null => null,
        { Kind: DateTimeKind.Local } local => local.ToUniversalTime(),
        { } other => DateTime.SpecifyKind(other, DateTimeKind.Utc),
    };
}
