using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Common;

namespace SponsoredInMail.Web.Endpoints.Api;

/// <summary>A problem or a warning about one field of an ad.</summary>
/// <param name="Field">The field, spelled as in the ad body (e.g. <c>subject</c>, <c>conversation.messages[m1]</c>).</param>
/// <param name="Message">What is wrong, in plain words.</param>
public sealed record ApiFieldMessage(string Field, string Message);

/// <summary>A row of the ad library.</summary>
/// <param name="Id">The ad's id.</param>
/// <param name="Name">The ad's name (only the account sees it).</param>
/// <param name="Format">MessageAd or ConversationAd.</param>
/// <param name="Subject">The subject line members see.</param>
/// <param name="SenderName">The name of the member the message is sent from.</param>
/// <param name="Status">Active, Archived, or Canceled (its sender revoked permission).</param>
/// <param name="CanceledReason">Why the ad was canceled; null unless Canceled.</param>
/// <param name="UpdatedAt">When the ad last changed (UTC).</param>
public sealed record ApiAdSummary(int Id, string Name, AdFormat Format, string Subject, string SenderName, AdStatus Status, string? CanceledReason, DateTime UpdatedAt);

/// <summary>
/// An ad with its content. A Message Ad has <c>body</c>, <c>ctaText</c>, <c>ctaTarget</c> and the landing URL or lead
/// form it leads to; a Conversation Ad has <c>conversation</c>. Both have a sender, a subject and a footer.
/// </summary>
/// <param name="Id">The ad's id.</param>
/// <param name="Name">The ad's name (only the account sees it).</param>
/// <param name="Format">MessageAd or ConversationAd; an ad keeps its format.</param>
/// <param name="Status">Active, Archived, or Canceled (its sender revoked permission; duplicate it with another sender to use it again).</param>
/// <param name="CanceledReason">Why the ad was canceled; null unless Canceled.</param>
/// <param name="SenderMemberId">The member the message is sent from, one who granted the account sender permission.</param>
/// <param name="Subject">The subject line; may use the macros %FIRSTNAME%, %LASTNAME%, %COMPANYNAME%, %JOBTITLE%, %INDUSTRY%.</param>
/// <param name="Body">A Message Ad's text: plain text with line breaks and at most 3 links written [text](https://…); empty for a Conversation Ad.</param>
/// <param name="CtaText">A Message Ad's button text; empty for a Conversation Ad.</param>
/// <param name="CtaTarget">Where a Message Ad's button leads: LandingUrl or LeadForm; null for a Conversation Ad.</param>
/// <param name="LandingUrl">The button's http(s) address when <c>ctaTarget</c> is LandingUrl.</param>
/// <param name="LeadFormId">The lead gen form the button opens when <c>ctaTarget</c> is LeadForm.</param>
/// <param name="BannerImageId">A Message Ad's optional 300×250 banner (uploaded in the app).</param>
/// <param name="Footer">The custom footer or terms, plain text.</param>
/// <param name="Conversation">A Conversation Ad's messages and buttons; null for a Message Ad.</param>
/// <param name="Warnings">Advice that does not stop the ad being saved, as the editor shows it (e.g. a conversation message over 500 characters).</param>
/// <param name="UpdatedBy">Who last changed the ad.</param>
/// <param name="UpdatedAt">When the ad last changed (UTC); its version for ETag and If-Match.</param>
public sealed record ApiAd(
    int Id, string Name, AdFormat Format, AdStatus Status, string? CanceledReason, int SenderMemberId, string Subject, string Body, string CtaText,
    CtaTarget? CtaTarget, string? LandingUrl, int? LeadFormId, int? BannerImageId, string Footer, ApiConversation? Conversation,
    IReadOnlyList<ApiFieldMessage> Warnings, string UpdatedBy, DateTime UpdatedAt)
{
    internal static ApiAd From(AdView view, IReadOnlyList<FieldError> warnings)
    {
        var i = view.Input;
        return new(view.Id, i.Name, i.Format, view.Status, view.CanceledReason, i.SenderMemberId, i.Subject, i.Body, i.CtaText, i.CtaTarget, i.LandingUrl,
            i.LeadFormId, i.BannerImageId, i.Footer, ApiConversation.From(i.Conversation), AdApiEndpoints.Messages(warnings), view.UpdatedBy, view.UpdatedAt);
    }
}

/// <summary>
/// A Conversation Ad's dialogue: messages with reply buttons, starting at <c>firstMessageId</c>. The first message must
/// carry a "Not interested" button that ends the conversation; every path must end in a URL, a lead form or an end.
/// </summary>
/// <param name="FirstMessageId">The id of the message that opens the conversation.</param>
/// <param name="Messages">The messages, each with its own id (your choice of text, unique in the ad).</param>
public sealed record ApiConversation(string? FirstMessageId, IReadOnlyList<ApiConversationMessage>? Messages)
{
    internal static ApiConversation? From(ConversationScript? script) => script is null
        ? null
        : new(script.FirstMessageId, script.Messages.Select(m => new ApiConversationMessage(m.Id, m.Text,
            m.Buttons.Select(b => new ApiConversationButton(b.Id, b.Text, b.Action, b.TargetMessageId, b.Url, b.LeadFormId)).ToList())).ToList());
}

/// <summary>One message of a conversation.</summary>
/// <param name="Id">The message's id, unique in the ad; buttons lead to it by this id.</param>
/// <param name="Text">The message text (1–8,000 characters; over 500 gives a warning), links written [text](https://…).</param>
/// <param name="Buttons">Its reply buttons, 1–5.</param>
public sealed record ApiConversationMessage(string? Id, string? Text, IReadOnlyList<ApiConversationButton>? Buttons);

/// <summary>A reply button of a conversation message.</summary>
/// <param name="Id">The button's id, unique within its message.</param>
/// <param name="Text">The button text (at most 25 characters).</param>
/// <param name="Action">NextMessage, Url, LeadForm or End.</param>
/// <param name="TargetMessageId">The message it opens, for NextMessage.</param>
/// <param name="Url">The http(s) address it opens, for Url.</param>
/// <param name="LeadFormId">The lead gen form it opens, for LeadForm.</param>
public sealed record ApiConversationButton(string? Id, string? Text, ButtonAction? Action, string? TargetMessageId = null, string? Url = null, int? LeadFormId = null);

/// <summary>
/// An ad's content, to create, update or preview it: what the ad editor asks for. Name 1–100 characters, subject 1–60.
/// A Message Ad needs <c>body</c> (1–1,500 characters, at most 3 links), <c>ctaText</c> (1–20) and <c>ctaTarget</c> with
/// its <c>landingUrl</c> or <c>leadFormId</c>; footer at most 10,000 characters. A Conversation Ad needs
/// <c>conversation</c>; footer at most 20,000 characters. Fields of the other format are ignored.
/// </summary>
public sealed class ApiAdRequest
{
    /// <summary>The ad's name (only the account sees it), 1–100 characters.</summary>
    [Required]
    public string? Name { get; set; }

    /// <summary>MessageAd or ConversationAd; an update cannot change it.</summary>
    [Required]
    public AdFormat? Format { get; set; }

    /// <summary>The member the message is sent from: one who granted this account sender permission.</summary>
    [Required]
    public int? SenderMemberId { get; set; }

    /// <summary>The subject line, 1–60 characters; may use the macros %FIRSTNAME%, %LASTNAME%, %COMPANYNAME%, %JOBTITLE%, %INDUSTRY%.</summary>
    [Required]
    public string? Subject { get; set; }

    /// <summary>A Message Ad's text: plain text with line breaks and at most 3 links written [text](https://…).</summary>
    public string? Body { get; set; }

    /// <summary>A Message Ad's button text, 1–20 characters.</summary>
    public string? CtaText { get; set; }

    /// <summary>Where a Message Ad's button leads: LandingUrl or LeadForm.</summary>
    public CtaTarget? CtaTarget { get; set; }

    /// <summary>The button's http(s) address, for LandingUrl.</summary>
    public string? LandingUrl { get; set; }

    /// <summary>One of the account's lead gen forms (not archived), for LeadForm.</summary>
    public int? LeadFormId { get; set; }

    /// <summary>A Message Ad's optional banner: a 300×250 image uploaded to the account in the app.</summary>
    public int? BannerImageId { get; set; }

    /// <summary>The custom footer or terms, plain text; empty by default.</summary>
    public string? Footer { get; set; }

    /// <summary>A Conversation Ad's dialogue.</summary>
    public ApiConversation? Conversation { get; set; }

    /// <summary>
    /// The Core input, or the missing fields. A preview needs only the format (the editor previews an ad half written).
    /// </summary>
    internal Result<AdInput> ToInput(bool preview = false)
    {
        var errors = new List<FieldError>();
        if (Format is null)
        {
            errors.Add(new("format", "format is required: MessageAd or ConversationAd."));
        }
        if (!preview)
        {
            if (Name is null)
            {
                errors.Add(new("name", "name is required."));
            }
            if (SenderMemberId is null)
            {
                errors.Add(new("senderMemberId", "senderMemberId is required: a member who granted this account sender permission."));
            }
            if (Subject is null)
            {
                errors.Add(new("subject", "subject is required."));
            }
        }
        var conversation = Format == AdFormat.ConversationAd ? ToScript(errors) : null;
        if (errors.Count > 0)
        {
            return Result.Fail(errors);
        }
        return Result<AdInput>.Ok(new AdInput(Name ?? "", Format!.Value, SenderMemberId ?? 0, Subject ?? "", Body ?? "", CtaText ?? "", CtaTarget,
            LandingUrl, LeadFormId, BannerImageId, Footer ?? "", conversation));
    }

    private ConversationScript? ToScript(List<FieldError> errors)
    {
        if (Conversation is null)
        {
            return null;
        }
        if (Conversation.Messages is null)
        {
            errors.Add(new("conversation.messages", "conversation.messages is required: the conversation's messages."));
            return null;
        }
        var messages = new List<ConversationMessage>();
        for (var m = 0; m < Conversation.Messages.Count; m++)
        {
            var message = Conversation.Messages[m];
            var at = $"conversation.messages[{m}]";
            if (message is null)
            {
                errors.Add(new(at, $"{at} must be a message."));
                continue;
            }
            if (string.IsNullOrEmpty(message.Id))
            {
                errors.Add(new($"{at}.id", $"{at}.id is required: the message's id, unique in the ad."));
            }
            var buttons = new List<ConversationButton>();
            for (var b = 0; b < (message.Buttons?.Count ?? 0); b++)
            {
                var button = message.Buttons![b];
                var bat = $"{at}.buttons[{b}]";
                if (button is null)
                {
                    errors.Add(new(bat, $"{bat} must be a button."));
                    continue;
                }
                if (string.IsNullOrEmpty(button.Id))
                {
                    errors.Add(new($"{bat}.id", $"{bat}.id is required: the button's id, unique in its message."));
                }
                if (button.Action is null)
                {
                    errors.Add(new($"{bat}.action", $"{bat}.action is required: NextMessage, Url, LeadForm or End."));
                }
                buttons.Add(new ConversationButton(button.Id ?? "", button.Text ?? "", button.Action ?? default, button.TargetMessageId, button.Url, button.LeadFormId));
            }
            messages.Add(new ConversationMessage(message.Id ?? "", message.Text ?? "", buttons));
        }
        return new ConversationScript(Conversation.FirstMessageId ?? "", messages);
    }
}

/// <summary>A member offered to preview an ad as (the app's sample members; one has personalization off).</summary>
/// <param name="Id">The member's id, to pass as <c>sampleMemberId</c> or <c>memberId</c>.</param>
/// <param name="Label">Who they are, e.g. "Mia Chen · Data Engineer at Fabrikam".</param>
public sealed record ApiPreviewMember(int Id, string Label);

/// <summary>The sender's card at the top of a message.</summary>
/// <param name="Name">The sender's name ("Choose a sender" when the ad's sender is not one of the account's).</param>
/// <param name="Headline">The sender's profile headline.</param>
public sealed record ApiPreviewSender(string Name, string Headline);

/// <summary>
/// An ad rendered as one member will see it, through the same renderer as real deliveries: macros filled in from the
/// member's profile (or their fallbacks, e.g. "LinkedIn Member", without a member or when they turned personalization
/// off), text as sanitized HTML. With the problems the editor would show next to it.
/// </summary>
/// <param name="Format">MessageAd or ConversationAd: which of <c>messageAd</c> and <c>conversation</c> is set.</param>
/// <param name="SampleMemberId">The member it was rendered for; null for none (fallbacks).</param>
/// <param name="Sender">The sender's card.</param>
/// <param name="Subject">The personalized subject line.</param>
/// <param name="FooterHtml">The footer as HTML.</param>
/// <param name="MessageAd">A Message Ad as rendered; null for a Conversation Ad.</param>
/// <param name="Conversation">A Conversation Ad as rendered; null for a Message Ad.</param>
/// <param name="Errors">What would stop this content being saved, by field (empty when it can be saved).</param>
/// <param name="Warnings">Advice that does not stop it being saved.</param>
public sealed record ApiAdPreview(
    AdFormat Format, int? SampleMemberId, ApiPreviewSender Sender, string Subject, string FooterHtml, ApiPreviewMessageAd? MessageAd,
    ApiPreviewConversation? Conversation, IReadOnlyList<ApiFieldMessage> Errors, IReadOnlyList<ApiFieldMessage> Warnings);

/// <summary>A Message Ad as rendered.</summary>
/// <param name="BodyHtml">The personalized body as sanitized HTML (paragraphs, line breaks and links only).</param>
/// <param name="CtaText">The personalized button text.</param>
/// <param name="CtaUrl">Where the button leads, for a landing URL; null otherwise.</param>
/// <param name="LeadFormId">The lead gen form the button opens; null otherwise.</param>
/// <param name="BannerImageId">The banner shown on desktop; null for none.</param>
/// <param name="BannerUrl">Where the banner leads (the landing URL); null without a banner and a landing URL.</param>
public sealed record ApiPreviewMessageAd(string BodyHtml, string CtaText, string? CtaUrl, int? LeadFormId, int? BannerImageId, string? BannerUrl);

/// <summary>A Conversation Ad as rendered.</summary>
/// <param name="FirstMessageId">The message the member sees first.</param>
/// <param name="Messages">Every message, rendered.</param>
public sealed record ApiPreviewConversation(string FirstMessageId, IReadOnlyList<ApiPreviewConversationMessage> Messages);

/// <summary>A conversation message as rendered.</summary>
/// <param name="Id">The message's id.</param>
/// <param name="TextHtml">The personalized text as sanitized HTML.</param>
/// <param name="Buttons">Its reply buttons.</param>
public sealed record ApiPreviewConversationMessage(string Id, string TextHtml, IReadOnlyList<ApiPreviewButton> Buttons);

/// <summary>A reply button as rendered.</summary>
/// <param name="Id">The button's id.</param>
/// <param name="Text">The personalized button text.</param>
/// <param name="Action">NextMessage, Url, LeadForm or End.</param>
/// <param name="TargetMessageId">The message it opens, for NextMessage.</param>
/// <param name="Url">The address it opens, for Url.</param>
/// <param name="LeadFormId">The lead gen form it opens, for LeadForm.</param>
public sealed record ApiPreviewButton(string Id, string Text, ButtonAction Action, string? TargetMessageId, string? Url, int? LeadFormId);

/// <summary>The ad library under <c>/api/v1/ads</c>: list, read, create, update, archive, duplicate and preview.</summary>
public static class AdApiEndpoints
{
    public static void MapAdApi(this RouteGroupBuilder api)
    {
        var ads = api.MapGroup("/ads").WithTags("Ads");
        ads.MapGet("/", ListAsync).WithName("ListAds").WithSummary("Lists the account's ads.")
            .WithDescription("The ad library, oldest first, in cursor pages (limit 1–200, default 50). Archived ads only with includeArchived=true; "
                + "format keeps one format; search matches the name or subject (ignoring case).")
            .Produces<ApiList<ApiAdSummary>>().ProducesValidationProblem();
        ads.MapGet("/{id:int}", GetAsync).WithName("GetAd").WithSummary("Reads one ad with its content.")
            .WithDescription("The ad's content, status and warnings. The ETag is its version: send it as If-None-Match to get 304 when unchanged, "
                + "or as If-Match on an update.")
            .Produces<ApiAd>().Produces(StatusCodes.Status304NotModified).ProducesProblem(StatusCodes.Status404NotFound);
        ads.MapPost("/", CreateAsync).WithName("CreateAd").WithSummary("Creates a Message Ad or a Conversation Ad.")
            .WithDescription("Checks every creative limit at once and answers 400 with each problem under its field; nothing is saved then. "
                + "The sender must have granted the account permission; lead forms and banners must be the account's. Warnings come back in the ad.")
            .RequireAuthorization(ApiEndpoints.WritePolicy).AddOpenApiOperationTransformer(ApiOpenApi.Body<ApiAdRequest>)
            .Produces<ApiAd>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        ads.MapPut("/{id:int}", UpdateAsync).WithName("UpdateAd").WithSummary("Replaces an ad's content.")
            .WithDescription("Send the whole content (as for create); the format cannot change. With If-Match, refused with 412 when the ad changed since "
                + "that version. A canceled ad cannot be edited (409): duplicate it with another sender.")
            .RequireAuthorization(ApiEndpoints.WritePolicy).AddOpenApiOperationTransformer(ApiOpenApi.Body<ApiAdRequest>)
            .Produces<ApiAd>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        MapArchive(ads, "archive", "ArchiveAd", "Archives an ad.",
            "Hides the ad from the library's default list and from new campaigns; campaigns already using it keep it. A canceled ad cannot be archived (409).",
            (s, u, a, id, ct) => s.ArchiveAsync(u, a, id, ct));
        MapArchive(ads, "unarchive", "UnarchiveAd", "Restores an archived ad.",
            "Makes an archived ad active again. A canceled ad cannot be restored (409): duplicate it with another sender.",
            (s, u, a, id, ct) => s.UnarchiveAsync(u, a, id, ct));
        ads.MapPost("/{id:int}/duplicate", DuplicateAsync).WithName("DuplicateAd").WithSummary("Copies an ad as a new active ad.")
            .WithDescription("The copy is named \"Copy of …\" and has the same content, with senderMemberId instead of the original's sender when given "
                + "(how a canceled ad is used again). The sender must have granted the account permission (400 otherwise).")
            .RequireAuthorization(ApiEndpoints.WritePolicy)
            .Produces<ApiAd>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        ads.MapGet("/preview-members", PreviewMembersAsync).WithName("ListAdPreviewMembers").WithSummary("Lists the members an ad can be previewed as.")
            .WithDescription("The sample members the editor offers, one of them with personalization off. Only these can be a preview's member.")
            .Produces<IReadOnlyList<ApiPreviewMember>>();
        ads.MapPost("/preview", PreviewAsync).WithName("PreviewAd").WithSummary("Renders ad content as a member will see it, without saving.")
            .WithDescription("Send the ad's content (only format is required, as in the editor) and optionally sampleMemberId, one of "
                + "ListAdPreviewMembers. Answers the rendered message with the problems that would stop it being saved. Nothing is stored; a read-only token may preview.")
            .AddOpenApiOperationTransformer(ApiOpenApi.Body<ApiAdRequest>)
            .Produces<ApiAdPreview>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        ads.MapGet("/{id:int}/preview", PreviewSavedAsync).WithName("PreviewSavedAd").WithSummary("Renders a saved ad as a member will see it.")
            .WithDescription("The saved ad rendered for memberId (one of ListAdPreviewMembers; without it, with the macros' fallbacks).")
            .Produces<ApiAdPreview>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
    }

    internal static IReadOnlyList<ApiFieldMessage> Messages(IEnumerable<FieldError> errors) =>
        errors.Select(e => new ApiFieldMessage(FieldName(e.Field), e.Message)).ToList();

    /// <summary>Core's field names (shared with the editor) as the ad body spells them.</summary>
    private static string FieldName(string core) => core switch
    {
        "sender" => "senderMemberId",
        "banner" => "bannerImageId",
        _ when core.StartsWith("messages[", StringComparison.Ordinal) => "conversation." + core,
        _ => core,
    };

    private static IResult Refused(Result refusal)
    {
        if (refusal.Errors.FirstOrDefault(e => e.Field == "ad" && !e.Message.EndsWith("not found.", StringComparison.Ordinal)) is { } state)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The ad's state does not allow this.", detail: state.Message);
        }
        return ApiResults.Refused(Result.Fail(refusal.Errors.Select(e => e with { Field = FieldName(e.Field) }).ToList()));
    }

    private static async Task<IResult> ListAsync(
        ClaimsPrincipal user, AdService ads, int? limit, string? cursor, AdFormat? format, bool? includeArchived, string? search, CancellationToken ct)
    {
        var parsed = ApiLists.Parse(limit, cursor);
        if (!parsed.Succeeded)
        {
            return ApiResults.Invalid(parsed.Outcome.Errors);
        }
        var caller = user.ApiCaller();
        var list = await ads.ListAsync(caller.ActingUserId, caller.AccountId, search, format, includeArchived ?? false, ct);
        var items = list.Select(a => new ApiAdSummary(a.Id, a.Name, a.Format, a.Subject, a.SenderName, a.Status, a.CanceledReason, a.UpdatedAt));
        return TypedResults.Ok(ApiLists.Page(items, a => a.Id, parsed.Value!));
    }

    /// <summary>The ad as the API shows it, with the editor's warnings; null when it is not the caller's.</summary>
    private static async Task<ApiAd?> ReadAsync(AdService ads, Core.Api.ApiCaller caller, int id, CancellationToken ct)
    {
        var view = await ads.GetAsync(caller.ActingUserId, caller.AccountId, id, ct);
        if (view is null)
        {
            return null;
        }
        var (_, warnings) = await ads.ValidateAsync(caller.AccountId, view.Input, ct);
        return ApiAd.From(view, warnings);
    }

    private static async Task<IResult> GetAsync(int id, HttpContext http, ClaimsPrincipal user, AdService ads, CancellationToken ct) =>
        await ReadAsync(ads, user.ApiCaller(), id, ct) is { } ad ? ApiVersions.Ok(http, ad, ad.UpdatedAt) : ApiResults.NotFound("Ad");

    private static async Task<IResult> CreateAsync(
        HttpRequest request, HttpContext http, ClaimsPrincipal user, AdService ads, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct)
    {
        var (body, problem) = await ApiJson.ReadAsync<ApiAdRequest>(request, json.Value.SerializerOptions, ct);
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
        var created = await ads.CreateAsync(caller.ActingUserId, caller.AccountId, input.Value!, ct);
        if (!created.Succeeded)
        {
            return Refused(created.Outcome);
        }
        var ad = (await ReadAsync(ads, caller, created.Value, ct))!;
        ApiVersions.Tag(http, ad.UpdatedAt);
        return TypedResults.Created($"/api/v1/ads/{ad.Id}", ad);
    }

    private static async Task<IResult> UpdateAsync(
        int id, HttpRequest request, HttpContext http, ClaimsPrincipal user, AdService ads, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
        CancellationToken ct)
    {
        var caller = user.ApiCaller();
        var current = await ads.GetAsync(caller.ActingUserId, caller.AccountId, id, ct);
        if (current is null)
        {
            return ApiResults.NotFound("Ad");
        }
        if (ApiVersions.PreconditionFailed(http, current.UpdatedAt) is { } stale)
        {
            return stale;
        }
        var (body, problem) = await ApiJson.ReadAsync<ApiAdRequest>(request, json.Value.SerializerOptions, ct);
        if (problem is not null)
        {
            return problem;
        }
        var input = body!.ToInput();
        if (!input.Succeeded)
        {
            return ApiResults.Invalid(input.Outcome.Errors);
        }
        var updated = await ads.UpdateAsync(caller.ActingUserId, caller.AccountId, id, input.Value!, ct);
        if (!updated.Succeeded)
        {
            return Refused(updated);
        }
        var ad = await ReadAsync(ads, caller, id, ct);
        if (ad is null)
        {
            return ApiResults.NotFound("Ad");
        }
        ApiVersions.Tag(http, ad.UpdatedAt);
        return TypedResults.Ok(ad);
    }

    private delegate Task<Result> Archive(AdService ads, string userId, int accountId, int adId, CancellationToken ct);

    private static void MapArchive(RouteGroupBuilder ads, string verb, string name, string summary, string description, Archive archive) =>
        ads.MapPost($"/{{id:int}}/{verb}", async (int id, HttpContext http, ClaimsPrincipal user, AdService service, CancellationToken ct) =>
            {
                var caller = user.ApiCaller();
                var done = await archive(service, caller.ActingUserId, caller.AccountId, id, ct);
                if (!done.Succeeded)
                {
                    return Refused(done);
                }
                if (await ReadAsync(service, caller, id, ct) is not { } ad)
                {
                    return ApiResults.NotFound("Ad");
                }
                ApiVersions.Tag(http, ad.UpdatedAt);
                return TypedResults.Ok(ad);
            })
            .WithName(name).WithSummary(summary).WithDescription(description).RequireAuthorization(ApiEndpoints.WritePolicy)
            .Produces<ApiAd>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

    private static async Task<IResult> DuplicateAsync(int id, int? senderMemberId, HttpContext http, ClaimsPrincipal user, AdService ads, CancellationToken ct)
    {
        var caller = user.ApiCaller();
        var copied = await ads.DuplicateAsync(caller.ActingUserId, caller.AccountId, id, senderMemberId, ct);
        if (!copied.Succeeded)
        {
            return Refused(copied.Outcome);
        }
        var ad = (await ReadAsync(ads, caller, copied.Value, ct))!;
        ApiVersions.Tag(http, ad.UpdatedAt);
        return TypedResults.Created($"/api/v1/ads/{ad.Id}", ad);
    }

    private static async Task<IResult> PreviewMembersAsync(ClaimsPrincipal user, AdService ads, CancellationToken ct)
    {
        var caller = user.ApiCaller();
        var members = await ads.PreviewMembersAsync(caller.ActingUserId, caller.AccountId, ct);
        return TypedResults.Ok(members.Select(m => new ApiPreviewMember(m.Id, m.Label)).ToList());
    }

    private static async Task<IResult> PreviewAsync(
        HttpRequest request, ClaimsPrincipal user, AdService ads, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, int? sampleMemberId,
        CancellationToken ct)
    {
        var (body, problem) = await ApiJson.ReadAsync<ApiAdRequest>(request, json.Value.SerializerOptions, ct);
        if (problem is not null)
        {
            return problem;
        }
        var input = body!.ToInput(preview: true);
        if (!input.Succeeded)
        {
            return ApiResults.Invalid(input.Outcome.Errors);
        }
        return await RenderAsync(ads, user.ApiCaller(), input.Value!, sampleMemberId, nameof(sampleMemberId), ct);
    }

    private static async Task<IResult> PreviewSavedAsync(int id, int? memberId, ClaimsPrincipal user, AdService ads, CancellationToken ct)
    {
        var caller = user.ApiCaller();
        var ad = await ads.GetAsync(caller.ActingUserId, caller.AccountId, id, ct);
        return ad is null ? ApiResults.NotFound("Ad") : await RenderAsync(ads, caller, ad.Input, memberId, nameof(memberId), ct);
    }

    private static async Task<IResult> RenderAsync(AdService ads, Core.Api.ApiCaller caller, AdInput input, int? memberId, string parameter, CancellationToken ct)
    {
        if (memberId is { } id && !(await ads.PreviewMembersAsync(caller.ActingUserId, caller.AccountId, ct)).Any(m => m.Id == id))
        {
            return ApiResults.Invalid(parameter, $"{parameter} must be one of the members ListAdPreviewMembers offers.");
        }
        var preview = await ads.PreviewAsync(caller.ActingUserId, caller.AccountId, input, memberId, ct);
        if (preview is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed.", detail: "The token's user no longer has a seat on this account.");
        }
        var (outcome, warnings) = await ads.ValidateAsync(caller.AccountId, input, ct);
        var errors = Messages(outcome.Errors);
        var warned = Messages(warnings);
        if (preview.Conversation is { } c)
        {
            var messages = c.Messages.Values.Select(m => new ApiPreviewConversationMessage(m.Id, m.TextHtml,
                m.Buttons.Select(b => new ApiPreviewButton(b.Id, b.Text, b.Action, b.TargetMessageId, b.Url, b.LeadFormId)).ToList())).ToList();
            return TypedResults.Ok(new ApiAdPreview(AdFormat.ConversationAd, memberId, new(c.Sender.Name, c.Sender.Headline), c.Subject, c.FooterHtml, null,
                new ApiPreviewConversation(c.FirstMessageId, messages), errors, warned));
        }
        var m = preview.MessageAd!;
        return TypedResults.Ok(new ApiAdPreview(AdFormat.MessageAd, memberId, new(m.Sender.Name, m.Sender.Headline), m.Subject, m.FooterHtml,
            new ApiPreviewMessageAd(m.BodyHtml, m.CtaText, m.CtaUrl, m.LeadFormId, m.BannerImageId, m.BannerUrl), null, errors, warned));
    }
}
