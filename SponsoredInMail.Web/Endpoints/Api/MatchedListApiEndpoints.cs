using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Common;

namespace SponsoredInMail.Web.Endpoints.Api;

/// <summary>Where an uploaded list is in its processing.</summary>
public enum ApiMatchedListState
{
    /// <summary>Read and matched: an upload is read and matched within its request, and a list exists only once it is, so every list is Matched.</summary>
    Matched,
}

/// <summary>An uploaded company or contact list of the account, matched against the member network once at upload.</summary>
/// <param name="Id">The list's id; target it in an audience with the facet MatchedAudience and this id as text.</param>
/// <param name="Name">The list's name, unique in the account (ignoring case).</param>
/// <param name="Kind">Companies (company name, optional website) or Contacts (e-mail, or first name, last name and company).</param>
/// <param name="FileName">The name of the uploaded file.</param>
/// <param name="State">Where the list is in its processing (always Matched; see the type).</param>
/// <param name="RowsRead">Data rows in the file (the header row not counted).</param>
/// <param name="RowsRejected">Rows left out of the match (blank required cells, invalid e-mail, formula-like cells, …); download them with their reasons.</param>
/// <param name="MembersMatched">Members the list matched.</param>
/// <param name="MatchRate">Only in the upload's answer: the share (0–1) of accepted rows that matched at least one member; null when read later.</param>
/// <param name="UsableForLaunch">Whether enough members matched for a campaign targeting the list to launch.</param>
/// <param name="UnusableReason">Why the list cannot be used in a launch; null when it can.</param>
/// <param name="CreatedAt">When the list was uploaded (UTC).</param>
public sealed record ApiMatchedList(
    int Id, string Name, MatchedListKind Kind, string FileName, ApiMatchedListState State, int RowsRead, int RowsRejected, int MembersMatched,
    double? MatchRate, bool UsableForLaunch, string? UnusableReason, DateTime CreatedAt)
{
    internal static ApiMatchedList From(MatchedAudienceListItem l, double? matchRate = null) => new(
        l.Id, l.Name, l.Kind, l.FileName, ApiMatchedListState.Matched, l.RowsRead, l.RowsRejected, l.MembersMatched, matchRate,
        l.UsableForLaunch, l.UnusableReason, l.CreatedAt);
}

/// <summary>Matched lists (uploaded company and contact lists) under <c>/api/v1/matched-lists</c>.</summary>
public static class MatchedListApiEndpoints
{

    public static void MapMatchedListApi(this RouteGroupBuilder api)
    {
        var lists = api.MapGroup("/matched-lists").WithTags("Matched lists");
        lists.MapGet("/", ListAsync).WithName("ListMatchedLists").WithSummary("The account's matched lists.")
            .WithDescription("The account's uploaded company and contact lists, newest first, in pages of limit (1–200, default 50); pass nextCursor "
                + "as cursor for the next page.")
            .Produces<ApiList<ApiMatchedList>>().ProducesValidationProblem();
        lists.MapGet("/{id:int}", GetAsync).WithName("GetMatchedList").WithSummary("One matched list: its rows matched and rejected.")
            .WithDescription("One matched list with its rows read and rejected, members matched and whether it is big enough to launch with. "
                + "The ETag is its version (a list never changes after upload); If-None-Match answers 304.")
            .Produces<ApiMatchedList>().Produces(StatusCodes.Status304NotModified).ProducesProblem(StatusCodes.Status404NotFound);
        lists.MapPost("/", UploadAsync).WithName("UploadMatchedList").WithSummary("Uploads a CSV list and matches it against the network.")
            .WithDescription("Send multipart/form-data with three parts: name (the list's name, 1–100 characters, new in the account), kind "
                + "(Companies or Contacts) and file (the CSV file). The CSV is UTF-8 with a header row, at most 300,000 rows and 20 MB: a company list "
                + "needs a \"company\" column (\"website\" or \"domain\" optional), a contact list an \"email\" column or \"first name\", \"last name\" "
                + "and \"company\" columns. The list is read and matched within the request and answered 201 when saved; rows that cannot be used "
                + "are rejected with a reason (download them) and the rest is matched. Another content type is a 415; a refused file (empty, not "
                + "UTF-8, not well-formed CSV, missing columns, too many rows or too large) is a 400 under \"file\". A list matching fewer members "
                + "than the launch minimum is saved but not usable for a launch.")
            .RequireAuthorization(ApiEndpoints.WritePolicy)
            .AddOpenApiOperationTransformer(UploadBody)
            .Produces<ApiMatchedList>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        lists.MapGet("/{id:int}/rejections", RejectionsAsync).WithName("DownloadMatchedListRejections")
            .WithSummary("The rows of an upload that were rejected, as CSV.")
            .WithDescription("The rejected rows of the upload as a CSV file (UTF-8 with BOM) with the columns line, value and reason; only the "
                + "header when no row was rejected.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv").ProducesProblem(StatusCodes.Status404NotFound);
        lists.MapDelete("/{id:int}", DeleteAsync).WithName("DeleteMatchedList").WithSummary("Deletes a matched list with its matched members.")
            .WithDescription("Deletes the list and its matched members. Refused with 409 while a saved audience includes or excludes the list: take "
                + "it out of those audiences first.")
            .RequireAuthorization(ApiEndpoints.WritePolicy)
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<IResult> ListAsync(int? limit, string? cursor, ClaimsPrincipal user, MatchedAudienceImporter importer, CancellationToken ct)
    {
        var parsed = ApiLists.Parse(limit, cursor);
        if (!parsed.Succeeded)
        {
            return ApiResults.Invalid(parsed.Outcome.Errors);
        }
        var caller = user.ApiCaller();
        var lists = await importer.ListAsync(caller.ActingUserId, caller.AccountId, ct);
        return TypedResults.Ok(ApiLists.Page(lists.Select(l => ApiMatchedList.From(l)), l => l.Id, parsed.Value!, newestFirst: true));
    }

    private static async Task<IResult> GetAsync(int id, HttpContext http, ClaimsPrincipal user, MatchedAudienceImporter importer, CancellationToken ct)
    {
        var caller = user.ApiCaller();
        return await importer.GetAsync(caller.ActingUserId, caller.AccountId, id, ct) is { } list
            ? ApiVersions.Ok(http, ApiMatchedList.From(list), list.CreatedAt)
            : ApiResults.NotFound("Matched list");
    }

    private static async Task<IResult> UploadAsync(HttpRequest request, ClaimsPrincipal user, MatchedAudienceImporter importer, CancellationToken ct)
    {
        var (form, problem) = await ApiForm.ReadAsync(request, "the parts name, kind (Companies or Contacts) and file (the CSV file)", ct);
        if (problem is not null)
        {
            return problem;
        }
        var errors = new List<FieldError>();
        var name = Single(form!, "name", errors);
        var kindText = Single(form!, "kind", errors);
        MatchedListKind? kind = null;
        if (kindText is null)
        {
            errors.Add(new FieldError("kind", "kind is required: Companies or Contacts."));
        }
        else if (Enum.GetNames<MatchedListKind>().FirstOrDefault(n => string.Equals(n, kindText, StringComparison.OrdinalIgnoreCase)) is { } known)
        {
            kind = Enum.Parse<MatchedListKind>(known);
        }
        else
        {
            errors.Add(new FieldError("kind", "kind must be Companies or Contacts."));
        }
        var files = form!.Files.GetFiles("file");
        if (files.Count != 1)
        {
            errors.Add(new FieldError("file", files.Count == 0
                ? "file is required: the CSV file, as a part named file with a filename."
                : "Send one file per upload."));
        }
        if (errors.Count > 0)
        {
            if (name is null && errors.All(e => e.Field != "name"))
            {
                errors.Add(new FieldError("name", "name is required: the list's name."));
            }
            return ApiResults.Invalid(errors);
        }
        var caller = user.ApiCaller();
        var file = files[0];
        Result<MatchedAudienceSummary> imported;
        await using (var stream = file.OpenReadStream())
        {
            imported = await importer.ImportAsync(caller.ActingUserId, caller.AccountId, name ?? "", kind!.Value, file.FileName, stream, null, ct);
        }
        if (!imported.Succeeded)
        {
            return ApiResults.Refused(imported.Outcome);
        }
        var summary = imported.Value!;
        if (await importer.GetAsync(caller.ActingUserId, caller.AccountId, summary.Id, ct) is not { } list)
        {
            return ApiResults.NotFound("Matched list");
        }
        ApiVersions.Tag(request.HttpContext, list.CreatedAt);
        return TypedResults.Created($"/api/v1/matched-lists/{list.Id}", ApiMatchedList.From(list, summary.MatchRate));
    }

    /// <summary>A form value given at most once; null when absent.</summary>
    private static string? Single(IFormCollection form, string field, List<FieldError> errors)
    {
        if (!form.TryGetValue(field, out var values) || values.Count == 0)
        {
            return null;
        }
        if (values.Count > 1)
        {
            errors.Add(new FieldError(field, $"Send {field} once."));
            return null;
        }
        return values[0];
    }

    private static async Task<IResult> RejectionsAsync(int id, ClaimsPrincipal user, MatchedAudienceImporter importer, CancellationToken ct)
    {
        var caller = user.ApiCaller();
        var download = await importer.GetRejectionsCsvAsync(caller.ActingUserId, caller.AccountId, id, ct);
        return download is null
            ? ApiResults.NotFound("Matched list")
            : TypedResults.File([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(download.Csv)], "text/csv; charset=utf-8", download.FileName);
    }

    private static async Task<IResult> DeleteAsync(int id, ClaimsPrincipal user, MatchedAudienceImporter importer, CancellationToken ct)
    {
        var caller = user.ApiCaller();
        var deleted = await importer.DeleteAsync(caller.ActingUserId, caller.AccountId, id, ct);
        if (deleted.Succeeded)
        {
            return TypedResults.NoContent();
        }
        // Core refuses a deletion under the list's own name only while saved audiences target it.
        if (deleted.Errors is [{ Field: "list" } inUse] && !inUse.Message.EndsWith("not found.", StringComparison.Ordinal))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The list is in use.", detail: inUse.Message);
        }
        return ApiResults.Refused(deleted);
    }

    /// <summary>Describes the multipart body read by hand (an IFormFile parameter would also bring antiforgery and framework 400s).</summary>
    private static Task UploadBody(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "multipart/form-data with the list's name, its kind and the CSV file.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [ApiForm.MediaType] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Required = new HashSet<string> { "name", "kind", "file" },
                        Properties = new Dictionary<string, IOpenApiSchema>
                        {
                            ["name"] = new OpenApiSchema
                            {
                                Type = JsonSchemaType.String, MaxLength = AudienceRules.MaxNameLength,
                                Description = "The list's name: 1–100 characters on one line, new in the account (ignoring case).",
                            },
                            ["kind"] = new OpenApiSchema
                            {
                                Type = JsonSchemaType.String, Enum = [JsonValue.Create("Companies")!, JsonValue.Create("Contacts")!],
                                Description = "Companies: a company list (company name, optional website). Contacts: a contact list (e-mail, or first name, last name and company).",
                            },
                            ["file"] = new OpenApiSchema
                            {
                                Type = JsonSchemaType.String, Format = "binary",
                                Description = "The CSV file: UTF-8, a header row, at most 300,000 rows and 20 MB.",
                            },
                        },
                    },
                    Encoding = new Dictionary<string, OpenApiEncoding> { ["file"] = new() { ContentType = "text/csv" } },
                },
            },
        };
        return Task.CompletedTask;
    }
}
