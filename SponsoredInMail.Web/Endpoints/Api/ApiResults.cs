using SponsoredInMail.Core.Common;

namespace SponsoredInMail.Web.Endpoints.Api;

/// <summary>
/// How Core's refusals read over HTTP, always as problem details: a thing of another account or none at all is a
/// 404, a state that forbids the move a 409, a seat that no longer allows it a 403, and every other refusal a 400
/// validation problem keyed by field name.
/// </summary>
public static class ApiResults
{
    public static IResult NotFound(string what) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found.", detail: $"{what} not found.");

    public static IResult Invalid(string field, string message) => Invalid([new FieldError(field, message)]);

    public static IResult Invalid(IEnumerable<FieldError> errors, IReadOnlyDictionary<string, string>? fieldNames = null) =>
        TypedResults.ValidationProblem(ByField(errors, fieldNames), title: "The request has invalid fields.");

    public static IResult Refused(Result refusal, IReadOnlyDictionary<string, string>? fieldNames = null)
    {
        var errors = refusal.Errors;
        if (errors.Count == 1 && errors[0].Message.EndsWith("not found.", StringComparison.Ordinal))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found.", detail: errors[0].Message);
        }
        if (errors.Any(e => e.Field == "account"))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed.", detail: errors.First(e => e.Field == "account").Message);
        }
        if (errors.Any(e => e.Field == "status"))
        {
            return Results.ValidationProblem(ByField(errors, fieldNames), statusCode: StatusCodes.Status409Conflict,
                title: "The campaign's state does not allow this.", detail: errors.First(e => e.Field == "status").Message);
        }
        return Invalid(errors, fieldNames);
    }

    private static Dictionary<string, string[]> ByField(IEnumerable<FieldError> errors, IReadOnlyDictionary<string, string>? fieldNames) =>
        errors.GroupBy(e => fieldNames?.GetValueOrDefault(e.Field) ?? e.Field)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());
}
