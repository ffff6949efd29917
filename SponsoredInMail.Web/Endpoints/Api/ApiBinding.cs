using System.Reflection;
using System.Text.RegularExpressions;

namespace SponsoredInMail.Web.Endpoints.Api;

/// <summary>
/// Typed query and route parameters (integers, booleans, dates, enums) are bound by the framework, which is told to
/// throw on a value it cannot read (<c>RouteHandlerOptions.ThrowOnBadRequest</c>, in every environment); this turns that
/// into the API's validation problem naming the parameter and what it expects.
/// </summary>
public static partial class ApiBinding
{
    [GeneratedRegex("""parameter "(?<type>[^"]*?)\s*(?<name>\w+)" """, RegexOptions.CultureInvariant)]
    private static partial Regex Parameter();

    /// <summary>The validation problem for a value the framework could not bind, or null when the message names none.</summary>
    public static IResult? Problem(BadHttpRequestException exception)
    {
        var match = Parameter().Match(exception.Message + " ");
        if (!match.Success)
        {
            return null;
        }
        var name = match.Groups["name"].Value;
        var type = match.Groups["type"].Value.TrimEnd('?');
        var expected = type switch
        {
            "int" or "long" => "a whole number",
            "bool" => "true or false",
            "DateOnly" => "a date such as 2026-12-01",
            "DateTime" or "DateTimeOffset" => "a UTC time such as 2026-12-01T09:00:00Z",
            _ when EnumNames(type) is { } names => $"one of {names}",
            _ => "a value of another form",
        };
        var message = exception.Message.StartsWith("Required parameter", StringComparison.Ordinal)
            ? $"{name} is required."
            : $"{name} must be {expected}.";
        return ApiResults.Invalid(name, message);
    }

    private static string? EnumNames(string typeName)
    {
        var type = typeof(Core.Campaigns.Campaign).Assembly.GetTypes().FirstOrDefault(t => t.IsEnum && t.Name == typeName);
        return type is null ? null : string.Join(", ", Enum.GetNames(type));
    }

    /// <summary>
    /// Query values bound to an enum must be names: the framework's Enum.TryParse would also take "1" or "1,2". This
    /// refuses a number for any enum parameter of the endpoint's handler, naming the parameter.
    /// </summary>
    public static async ValueTask<object?> StrictEnumQuery(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.Request.Query.Count > 0 && http.GetEndpoint()?.Metadata.GetMetadata<MethodInfo>() is { } handler)
        {
            foreach (var parameter in handler.GetParameters())
            {
                var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
                if (!type.IsEnum || parameter.Name is null)
                {
                    continue;
                }
                foreach (var (key, values) in http.Request.Query)
                {
                    if (string.Equals(key, parameter.Name, StringComparison.OrdinalIgnoreCase)
                        && values.Any(v => v is null || !Enum.GetNames(type).Any(n => string.Equals(n, v.Trim(), StringComparison.OrdinalIgnoreCase)) || v.Trim() != v))
                    {
                        return ApiResults.Invalid(parameter.Name, $"{parameter.Name} must be one of {string.Join(", ", Enum.GetNames(type))}.");
                    }
                }
            }
        }
        return await next(context);
    }
}
