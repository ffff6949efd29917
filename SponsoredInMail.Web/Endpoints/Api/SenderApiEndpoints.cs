using System.Security.Claims;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Ads;

namespace SponsoredInMail.Web.Endpoints.Api;

/// <summary>A member the account asked to send messages in their name, and where the request stands.</summary>
/// <param name="PermissionId">The request's id.</param>
/// <param name="MemberId">The member; use it as an ad's <c>senderMemberId</c> once the status is Granted.</param>
/// <param name="Name">The member's name.</param>
/// <param name="Headline">The member's professional headline.</param>
/// <param name="Status">Pending until the member answers; Granted, Declined, or Revoked by the member later.</param>
/// <param name="RequestedAt">When the account last asked (UTC).</param>
/// <param name="RespondedAt">When the member answered (UTC); null while pending.</param>
public sealed record ApiSender(int PermissionId, int MemberId, string Name, string Headline, SenderPermissionStatus Status, DateTime RequestedAt, DateTime? RespondedAt)
{
    public static ApiSender From(AccountSenderView s) => new(s.PermissionId, s.MemberId, s.Name, s.Headline, s.Status, s.RequestedAt, s.RespondedAt);
}

/// <summary>Asks a member for permission to send messages in their name.</summary>
public sealed class ApiSenderRequest
{
    /// <summary>The member to ask (a member id of the network).</summary>
    [System.ComponentModel.DataAnnotations.Required]
    public int? MemberId { get; set; }
}

/// <summary>A banner image uploaded for Message Ads: use its id as an ad's <c>bannerImageId</c>.</summary>
/// <param name="Id">The banner's id.</param>
/// <param name="FileName">The uploaded file's name.</param>
/// <param name="ContentType">image/png or image/jpeg.</param>
/// <param name="Width">Width in pixels (300).</param>
/// <param name="Height">Height in pixels (250).</param>
/// <param name="CreatedAt">When it was uploaded (UTC).</param>
public sealed record ApiBanner(int Id, string FileName, string ContentType, int Width, int Height, DateTime CreatedAt);

/// <summary>Sender permissions (<c>/api/v1/senders</c>) and banner images (<c>/api/v1/banners</c>): what an ad needs besides its text.</summary>
public static class SenderApiEndpoints
{

    public static void MapSenderApi(this RouteGroupBuilder api)
    {
        var senders = api.MapGroup("/senders").WithTags("Senders");
        senders.MapGet("/", ListAsync).WithName("ListSenders").WithSummary("Lists the account's sender requests and permissions.")
            .WithDescription("Every member the account asked to send in their name, pending first, in cursor pages. Members with status Granted "
                + "can be an ad's senderMemberId; a member who revokes cancels the ads in their name.")
            .Produces<ApiList<ApiSender>>().ProducesValidationProblem();
        senders.MapPost("/", RequestAsync).WithName("RequestSender").WithSummary("Asks a member for sender permission.")
            .WithDescription("Sends the member a request to let the account send sponsored messages in their name (a Manager's token). A declined "
                + "or revoked permission may be asked again; asking while a request is pending or granted is a 400 naming memberId.")
            .RequireAuthorization(ApiEndpoints.WritePolicy).AddOpenApiOperationTransformer(ApiOpenApi.Body<ApiSenderRequest>)
            .Produces<ApiSender>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        var banners = api.MapGroup("/banners").WithTags("Ads");
        banners.MapPost("/", UploadBannerAsync).WithName("UploadBanner").WithSummary("Uploads a banner image for Message Ads.")
            .WithDescription("multipart/form-data with one part named file: a 300×250 PNG or JPEG of at most 2 MB. Answers the banner; use its id "
                + "as an ad's bannerImageId.")
            .RequireAuthorization(ApiEndpoints.WritePolicy).AddOpenApiOperationTransformer(BannerBody)
            .Produces<ApiBanner>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        banners.MapGet("/{id:int}", GetBannerAsync).WithName("GetBanner").WithSummary("Reads a banner's details.")
            .WithDescription("The banner's file name, type and size. The image itself is served to members with the ad.")
            .Produces<ApiBanner>().ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> ListAsync(int? limit, string? cursor, ClaimsPrincipal user, SenderService senders, CancellationToken ct)
    {
        var parsed = ApiLists.Parse(limit, cursor);
        if (!parsed.Succeeded)
        {
            return ApiResults.Invalid(parsed.Outcome.Errors);
        }
        var caller = user.ApiCaller();
        var list = await senders.ListForAccountAsync(caller.ActingUserId, caller.AccountId, ct);
        var page = ApiLists.Page(list.Select(ApiSender.From), s => s.PermissionId, parsed.Value!);
        return TypedResults.Ok(page);
    }

    private static async Task<IResult> RequestAsync(
        HttpRequest request, ClaimsPrincipal user, SenderService senders, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct)
    {
        var (body, problem) = await ApiJson.ReadAsync<ApiSenderRequest>(request, json.Value.SerializerOptions, ct);
        if (problem is not null)
        {
            return problem;
        }
        if (body!.MemberId is not { } memberId)
        {
            return ApiResults.Invalid("memberId", "memberId is required: the member to ask.");
        }
        var caller = user.ApiCaller();
        var requested = await senders.RequestAsync(caller.ActingUserId, caller.AccountId, memberId, ct);
        if (!requested.Succeeded)
        {
            // "Member not found." names a member id, a body field: a 400, not a missing resource.
            return requested.Outcome.Errors.Any(e => e.Field == "account")
                ? ApiResults.Refused(requested.Outcome)
                : ApiResults.Invalid(requested.Outcome.Errors.Select(e => e with { Field = e.Field == "member" ? "memberId" : e.Field }));
        }
        var view = (await senders.ListForAccountAsync(caller.ActingUserId, caller.AccountId, ct)).Single(s => s.PermissionId == requested.Value);
        return TypedResults.Created($"/api/v1/senders?memberId={memberId}", ApiSender.From(view));
    }

    private static async Task<IResult> UploadBannerAsync(HttpRequest request, ClaimsPrincipal user, AdService ads, CancellationToken ct)
    {
        var (form, problem) = await ApiForm.ReadAsync(request, "one part named file (a 300×250 PNG or JPEG)", ct);
        if (problem is not null)
        {
            return problem;
        }
        var files = form!.Files.GetFiles("file");
        if (files.Count != 1)
        {
            return ApiResults.Invalid("file", files.Count == 0 ? "file is required: the image, as a part named file with a filename." : "Send one file per upload.");
        }
        var file = files[0];
        if (file.Length > 2 * 1024 * 1024)
        {
            return ApiResults.Invalid("file", "The banner must be at most 2 MB.");
        }
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, ct);
        var caller = user.ApiCaller();
        var uploaded = await ads.UploadBannerAsync(caller.ActingUserId, caller.AccountId, file.FileName, buffer.ToArray(), ct);
        if (!uploaded.Succeeded)
        {
            return uploaded.Outcome.Errors.Any(e => e.Field == "account")
                ? ApiResults.Refused(uploaded.Outcome)
                : ApiResults.Invalid(uploaded.Outcome.Errors.Select(e => e with { Field = "file" }));
        }
        var banner = await ads.GetBannerAsync(caller.AccountId, uploaded.Value, ct);
        return TypedResults.Created($"/api/v1/banners/{uploaded.Value}", From(banner!));
    }

    private static async Task<IResult> GetBannerAsync(int id, ClaimsPrincipal user, AdService ads, CancellationToken ct)
    {
        var caller = user.ApiCaller();
        return await ads.GetBannerAsync(caller.AccountId, id, ct) is { } banner ? TypedResults.Ok(From(banner)) : ApiResults.NotFound("Banner");
    }

    private static ApiBanner From(BannerImage b) => new(b.Id, b.FileName, b.ContentType, b.Width, b.Height, b.CreatedAt);

    private static Task BannerBody(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "multipart/form-data with the image as a part named file.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [ApiForm.MediaType] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Required = new HashSet<string> { "file" },
                        Properties = new Dictionary<string, IOpenApiSchema>
                        {
                            ["file"] = new OpenApiSchema
                            {
                                Type = JsonSchemaType.String, Format = "binary",
                                Description = "The banner: a 300×250 PNG or JPEG of at most 2 MB.",
                            },
                        },
                    },
                },
            },
        };
        return Task.CompletedTask;
    }
}
