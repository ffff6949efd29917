using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Common;

namespace SponsoredInMail.Web.Endpoints.Api;

/// <summary>A row of the lead gen form list.</summary>
/// <param name="Id">The form's id, for an ad's <c>leadFormId</c>.</param>
/// <param name="Name">The form's name, unique in the account ignoring case.</param>
/// <param name="Headline">The headline members see.</param>
/// <param name="ProfileFieldCount">How many profile fields it asks for.</param>
/// <param name="QuestionCount">How many custom questions it asks (0–3).</param>
/// <param name="HasConsent">Whether it has a consent checkbox.</param>
/// <param name="Archived">Whether it is archived (hidden from new ads; ads already using it keep it).</param>
/// <param name="UpdatedBy">Who last changed it.</param>
/// <param name="UpdatedAt">When it last changed (UTC).</param>
public sealed record ApiLeadFormSummary(
    int Id, string Name, string Headline, int ProfileFieldCount, int QuestionCount, bool HasConsent, bool Archived, string UpdatedBy, DateTime UpdatedAt);

/// <summary>A custom question of a lead gen form.</summary>
/// <param name="Text">The question, at most 80 characters.</param>
/// <param name="Kind">FreeText or Choice.</param>
/// <param name="Options">A Choice question's options (2–10, each at most 50 characters); empty for FreeText.</param>
public sealed record ApiLeadFormQuestion(string? Text, QuestionKind? Kind, IReadOnlyList<string>? Options);

/// <summary>A lead gen form: what a member who opens it from an ad sees and fills in.</summary>
/// <param name="Id">The form's id, for an ad's <c>leadFormId</c>.</param>
/// <param name="Name">The form's name, unique in the account ignoring case (only the account sees it).</param>
/// <param name="Headline">The headline members see.</param>
/// <param name="Details">A short text under the headline.</param>
/// <param name="ProfileFields">The profile fields asked for, prefilled from the member's profile, in order.</param>
/// <param name="Questions">Up to 3 custom questions, in order.</param>
/// <param name="PrivacyPolicyUrl">The advertiser's privacy policy (http or https).</param>
/// <param name="ConsentText">The text of a consent checkbox the member must tick; null for none.</param>
/// <param name="ThankYouMessage">What the member sees after submitting.</param>
/// <param name="ThankYouUrl">An optional link shown with the thank-you message.</param>
/// <param name="Archived">Whether it is archived (unarchive it before editing).</param>
/// <param name="CreatedBy">Who created it.</param>
/// <param name="CreatedAt">When it was created (UTC).</param>
/// <param name="UpdatedBy">Who last changed it.</param>
/// <param name="UpdatedAt">When it last changed (UTC); its version for ETag and If-Match.</param>
public sealed record ApiLeadForm(
    int Id, string Name, string Headline, string Details, IReadOnlyList<ProfileField> ProfileFields, IReadOnlyList<ApiLeadFormQuestion> Questions,
    string PrivacyPolicyUrl, string? ConsentText, string ThankYouMessage, string? ThankYouUrl, bool Archived, string CreatedBy, DateTime CreatedAt,
    string UpdatedBy, DateTime UpdatedAt)
{
    internal static ApiLeadForm From(LeadFormView f) => new(
        f.Id, f.Name, f.Headline, f.Details, f.ProfileFields, f.Questions.Select(q => new ApiLeadFormQuestion(q.Text, q.Kind, q.Options)).ToList(),
        f.PrivacyPolicyUrl, f.ConsentText, f.ThankYouMessage, f.ThankYouUrl, f.IsArchived, f.CreatedBy, f.CreatedAt, f.UpdatedBy, f.UpdatedAt);
}

/// <summary>
/// A lead gen form's content, to create or update it: what the form editor asks for. Texts are trimmed; an empty consent
/// text or thank-you link means none.
/// </summary>
public sealed class ApiLeadFormRequest
{
    /// <summary>The form's name, 1–100 characters, unique in the account ignoring case.</summary>
    [Required]
    public string? Name { get; set; }

    /// <summary>The headline members see, 1–60 characters.</summary>
    [Required]
    public string? Headline { get; set; }

    /// <summary>A short text under the headline, at most 160 characters.</summary>
    public string? Details { get; set; }

    /// <summary>The profile fields to ask for (at least one, no repeats), prefilled from the member's profile.</summary>
    public IReadOnlyList<ProfileField>? ProfileFields { get; set; }

    /// <summary>Up to 3 custom questions.</summary>
    public IReadOnlyList<ApiLeadFormQuestion>? Questions { get; set; }

    /// <summary>The advertiser's privacy policy, an http(s) address.</summary>
    [Required]
    public string? PrivacyPolicyUrl { get; set; }

    /// <summary>The text of a consent checkbox the member must tick (at most 2,000 characters); leave out for none.</summary>
    public string? ConsentText { get; set; }

    /// <summary>What the member sees after submitting, at most 300 characters.</summary>
    [Required]
    public string? ThankYouMessage { get; set; }

    /// <summary>An optional http(s) link shown with the thank-you message.</summary>
    public string? ThankYouUrl { get; set; }

    /// <summary>The Core input, or the missing required fields.</summary>
    internal Result<LeadFormInput> ToInput()
    {
        var errors = new List<FieldError>();
        void Require(string? value, string field, string what)
        {
            if (value is null)
            {
                errors.Add(new(field, $"{field} is required: {what}."));
            }
        }
        Require(Name, "name", "the form's name");
        Require(Headline, "headline", "the headline members see");
        Require(PrivacyPolicyUrl, "privacyPolicyUrl", "the advertiser's privacy policy address");
        Require(ThankYouMessage, "thankYouMessage", "what the member sees after submitting");
        var questions = new List<CustomQuestion>();
        for (var i = 0; i < (Questions?.Count ?? 0); i++)
        {
            if (Questions![i] is not { } q)
            {
                errors.Add(new($"questions[{i}]", $"questions[{i}] must be a question."));
                continue;
            }
            if (q.Kind is null)
            {
                errors.Add(new($"questions[{i}].kind", $"questions[{i}].kind is required: FreeText or Choice."));
            }
            questions.Add(new CustomQuestion(q.Text ?? "", q.Kind ?? default, q.Options ?? []));
        }
        if (errors.Count > 0)
        {
            return Result.Fail(errors);
        }
        return Result<LeadFormInput>.Ok(new LeadFormInput(Name!, Headline!, Details ?? "", ProfileFields ?? [], questions, PrivacyPolicyUrl!, ConsentText,
            ThankYouMessage!, ThankYouUrl));
    }
}

/// <summary>Lead gen forms under <c>/api/v1/lead-forms</c>: list, read, create, update, archive and duplicate.</summary>
public static class LeadFormApiEndpoints
{
    public static void MapLeadFormApi(this RouteGroupBuilder api)
    {
        var forms = api.MapGroup("/lead-forms").WithTags("Lead forms");
        forms.MapGet("/", ListAsync).WithName("ListLeadForms").WithSummary("Lists the account's lead gen forms.")
            .WithDescription("Oldest first, in cursor pages (limit 1–200, default 50). Archived forms only with includeArchived=true; search matches the name (ignoring case).")
            .Produces<ApiList<ApiLeadFormSummary>>().ProducesValidationProblem();
        forms.MapGet("/{id:int}", GetAsync).WithName("GetLeadForm").WithSummary("Reads one lead gen form.")
            .WithDescription("The form's content, archived or not. The ETag is its version: send it as If-None-Match to get 304 when unchanged, or as If-Match on an update.")
            .Produces<ApiLeadForm>().Produces(StatusCodes.Status304NotModified).ProducesProblem(StatusCodes.Status404NotFound);
        forms.MapPost("/", CreateAsync).WithName("CreateLeadForm").WithSummary("Creates a lead gen form.")
            .WithDescription("Checks every rule at once (lengths, at least one profile field, up to 3 questions, http(s) addresses, a name not yet used in the account) "
                + "and answers 400 with each problem under its field; nothing is saved then.")
            .RequireAuthorization(ApiEndpoints.WritePolicy).AddOpenApiOperationTransformer(ApiOpenApi.Body<ApiLeadFormRequest>)
            .Produces<ApiLeadForm>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        forms.MapPut("/{id:int}", UpdateAsync).WithName("UpdateLeadForm").WithSummary("Replaces a lead gen form's content.")
            .WithDescription("Send the whole content (as for create). With If-Match, refused with 412 when the form changed since that version. "
                + "An archived form cannot be edited (409): unarchive it first. Ads using the form show the new content.")
            .RequireAuthorization(ApiEndpoints.WritePolicy).AddOpenApiOperationTransformer(ApiOpenApi.Body<ApiLeadFormRequest>)
            .Produces<ApiLeadForm>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        MapArchive(forms, "archive", "ArchiveLeadForm", "Archives a lead gen form.",
            "Hides the form from the default list and from new ads; ads already using it keep it. Archiving an archived form changes nothing.",
            (s, u, a, id, ct) => s.ArchiveAsync(u, a, id, ct));
        MapArchive(forms, "unarchive", "UnarchiveLeadForm", "Restores an archived lead gen form.",
            "Makes the form usable by new ads and editable again. Restoring an active form changes nothing.",
            (s, u, a, id, ct) => s.UnarchiveAsync(u, a, id, ct));
        forms.MapPost("/{id:int}/duplicate", DuplicateAsync).WithName("DuplicateLeadForm").WithSummary("Copies a lead gen form as a new active form.")
            .WithDescription("The copy (of an archived form too) is named \"Copy of …\" (\"Copy 2 of …\" and so on when taken) and has the same content.")
            .RequireAuthorization(ApiEndpoints.WritePolicy)
            .Produces<ApiLeadForm>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static IResult Refused(Result refusal) =>
        refusal.Errors.FirstOrDefault(e => e.Field == "form" && !e.Message.EndsWith("not found.", StringComparison.Ordinal)) is { } state
            ? TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The lead gen form's state does not allow this.", detail: state.Message)
            : ApiResults.Refused(refusal);

    private static async Task<IResult> ListAsync(
        ClaimsPrincipal user, LeadFormService forms, int? limit, string? cursor, bool? includeArchived, string? search, CancellationToken ct)
    {
        var parsed = ApiLists.Parse(limit, cursor);
        if (!parsed.Succeeded)
        {
            return ApiResults.Invalid(parsed.Outcome.Errors);
        }
        var caller = user.ApiCaller();
        var list = await forms.ListAsync(caller.ActingUserId, caller.AccountId, includeArchived ?? false, search, ct);
        var items = list.Select(f => new ApiLeadFormSummary(f.Id, f.Name, f.Headline, f.ProfileFieldCount, f.QuestionCount, f.HasConsent, f.IsArchived,
            f.UpdatedBy, f.UpdatedAt));
        return TypedResults.Ok(ApiLists.Page(items, f => f.Id, parsed.Value!));
    }

    private static async Task<IResult> GetAsync(int id, HttpContext http, ClaimsPrincipal user, LeadFormService forms, CancellationToken ct)
    {
        var caller = user.ApiCaller();
        return await forms.GetAsync(caller.ActingUserId, caller.AccountId, id, ct) is { } form
            ? ApiVersions.Ok(http, ApiLeadForm.From(form), form.UpdatedAt)
            : ApiResults.NotFound("Lead gen form");
    }

    private static async Task<IResult> CreateAsync(
        HttpRequest request, HttpContext http, ClaimsPrincipal user, LeadFormService forms, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
        CancellationToken ct)
    {
        var (body, problem) = await ApiJson.ReadAsync<ApiLeadFormRequest>(request, json.Value.SerializerOptions, ct);
        if (problem is not null)
        {
            return problem;
        }
        var input = body!.ToInput();
        if (!input.Succeeded)
        {
            return ApiResults.Invalid(input.Outcome.Errors);
        }
        var caller = user.ApiCaller();
        var created = await forms.CreateAsync(caller.ActingUserId, caller.AccountId, input.Value!, ct);
        if (!created.Succeeded)
        {
            return Refused(created.Outcome);
        }
        var form = (await forms.GetAsync(caller.ActingUserId, caller.AccountId, created.Value, ct))!;
        ApiVersions.Tag(http, form.UpdatedAt);
        return TypedResults.Created($"/api/v1/lead-forms/{form.Id}", ApiLeadForm.From(form));
    }

    private static async Task<IResult> UpdateAsync(
        int id, HttpRequest request, HttpContext http, ClaimsPrincipal user, LeadFormService forms, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
        CancellationToken ct)
    {
        var caller = user.ApiCaller();
        var current = await forms.GetAsync(caller.ActingUserId, caller.AccountId, id, ct);
        if (current is null)
        {
            return ApiResults.NotFound("Lead gen form");
        }
        if (ApiVersions.PreconditionFailed(http, current.UpdatedAt) is { } stale)
        {
            return stale;
        }
        var (body, problem) = await ApiJson.ReadAsync<ApiLeadFormRequest>(request, json.Value.SerializerOptions, ct);
        if (problem is not null)
        {
            return problem;
        }
        var input = body!.ToInput();
        if (!input.Succeeded)
        {
            return ApiResults.Invalid(input.Outcome.Errors);
        }
        var updated = await forms.UpdateAsync(caller.ActingUserId, caller.AccountId, id, input.Value!, ct);
        if (!updated.Succeeded)
        {
            return Refused(updated);
        }
        return await ReadBackAsync(http, forms, caller, id, ct);
    }

    private static async Task<IResult> ReadBackAsync(HttpContext http, LeadFormService forms, Core.Api.ApiCaller caller, int id, CancellationToken ct)
    {
        if (await forms.GetAsync(caller.ActingUserId, caller.AccountId, id, ct) is not { } form)
        {
            return ApiResults.NotFound("Lead gen form");
        }
        ApiVersions.Tag(http, form.UpdatedAt);
        return TypedResults.Ok(ApiLeadForm.From(form));
    }

    private delegate Task<Result> Archive(LeadFormService forms, string userId, int accountId, int formId, CancellationToken ct);

    private static void MapArchive(RouteGroupBuilder forms, string verb, string name, string summary, string description, Archive archive) =>
        forms.MapPost($"/{{id:int}}/{verb}", async (int id, HttpContext http, ClaimsPrincipal user, LeadFormService service, CancellationToken ct) =>
            {
                var caller = user.ApiCaller();
                var done = await archive(service, caller.ActingUserId, caller.AccountId, id, ct);
                return done.Succeeded ? await ReadBackAsync(http, service, caller, id, ct) : Refused(done);
            })
            .WithName(name).WithSummary(summary).WithDescription(description).RequireAuthorization(ApiEndpoints.WritePolicy)
            .Produces<ApiLeadForm>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<IResult> DuplicateAsync(int id, HttpContext http, ClaimsPrincipal user, LeadFormService forms, CancellationToken ct)
    {
        var caller = user.ApiCaller();
        var copied = await forms.DuplicateAsync(caller.ActingUserId, caller.AccountId, id, ct);
        if (!copied.Succeeded)
        {
            return Refused(copied.Outcome);
        }
        var form = (await forms.GetAsync(caller.ActingUserId, caller.AccountId, copied.Value, ct))!;
        ApiVersions.Tag(http, form.UpdatedAt);
        return TypedResults.Created($"/api/v1/lead-forms/{form.Id}", ApiLeadForm.From(form));
    }
}
