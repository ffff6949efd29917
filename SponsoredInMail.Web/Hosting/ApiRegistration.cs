using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Scalar.AspNetCore;
using SponsoredInMail.Core.Api;
using SponsoredInMail.Web.Endpoints.Api;

namespace SponsoredInMail.Web.Hosting;

/// <summary>The REST API's plumbing: bearer-token scheme, read and write policies, per-token rate limit, OpenAPI.</summary>
public static class ApiRegistration
{
    public const string DocumentName = "v1";

    public static IServiceCollection AddSponsoredInMailApi(this IServiceCollection services)
    {
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiEndpoints.ReadPolicy, policy => policy
                .AddAuthenticationSchemes(ApiTokenAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser()
                .RequireClaim(ApiTokenAuthenticationHandler.AccountIdClaim))
            .AddPolicy(ApiEndpoints.WritePolicy, policy => policy
                .AddAuthenticationSchemes(ApiTokenAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser()
                .RequireClaim(ApiTokenAuthenticationHandler.ScopeClaim, nameof(ApiTokenScope.ReadWrite)));

        services.AddProblemDetails();
        // A query or route value the framework cannot bind throws in every environment, so that ApiBinding can answer it
        // with a validation problem naming the parameter (not a bare 400).
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(options =>
        {
            // Enums by name, strictly (see StrictEnumConverter); numbers only as JSON numbers (the web defaults would also read "100" as 100).
            options.SerializerOptions.Converters.Add(new StrictEnumConverter());
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });

        services.AddOpenApi(DocumentName, options =>
        {
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo { Title = "SponsoredInMail API", Version = "v1" };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "sim_…",
                    Description = "An account API token (sim_ followed by 43 characters), read-only or read-write.",
                };
                document.Security ??= [];
                document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] });
                return Task.CompletedTask;
            });
            ApiDocument.Configure(options);
        });
        return services;
    }

    /// <summary>
    /// API requests answer with problem details, never the app's HTML error pages, in every environment: a bare error
    /// status gets a problem body, and an exception is caught here, inside the Development exception page and the
    /// app's /Error page, so neither renders HTML for /api. Then the per-token rate limiter, which runs after
    /// authentication, so it partitions by the token that was authenticated.
    /// </summary>
    public static WebApplication UseSponsoredInMailApi(this WebApplication app)
    {
        // Binding failures throw everywhere (see ThrowOnBadRequest above); outside the API they stay the plain 400 they were.
        app.UseWhen(context => !context.Request.Path.StartsWithSegments("/api"), other => other.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (BadHttpRequestException e) when (!context.Response.HasStarted)
            {
                context.Response.Clear();
                context.Response.StatusCode = e.StatusCode;
            }
        }));
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/api"), api => api.Use(async (context, next) =>
        {
            context.Features.Get<IStatusCodePagesFeature>()?.Enabled = false;
            try
            {
                await next(context);
            }
            catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                await ProblemForExceptionAsync(context, e);
                return;
            }
            if (!context.Response.HasStarted && context.Response.StatusCode >= 400 && context.Response.ContentLength is null && context.Response.ContentType is null)
            {
                await TypedResults.Problem(statusCode: context.Response.StatusCode).ExecuteAsync(context);
            }
        }));
        return app;
    }

    /// <summary>
    /// A request the framework could not bind (Development throws <see cref="BadHttpRequestException"/> for it) is the
    /// client's 4xx; anything else a 500 with the trace id to quote, and logged, never a stack trace.
    /// </summary>
    private static async Task ProblemForExceptionAsync(HttpContext context, Exception exception)
    {
        context.Response.Clear();
        if (exception is BadHttpRequestException bad && ApiBinding.Problem(bad) is { } named)
        {
            await named.ExecuteAsync(context);
            return;
        }
        if (exception is BadHttpRequestException other)
        {
            await TypedResults.Problem(statusCode: other.StatusCode, title: "The request could not be read.", detail: other.Message).ExecuteAsync(context);
            return;
        }
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("SponsoredInMail.Api")
            .LogError(exception, "Unhandled exception in {Method} {Path}", context.Request.Method, context.Request.Path);
        await TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "Something went wrong on our side.",
                detail: "The error has been logged; quote the trace id when you report it.",
                extensions: new Dictionary<string, object?> { ["traceId"] = context.TraceIdentifier })
            .ExecuteAsync(context);
    }

    private const string ScalarAccessibleCss = """
        .light-mode, .light-mode .scalar-app { --scalar-color-2: #4d4d4d !important; --scalar-color-3: #595959 !important;
          --scalar-color-green: #0a6b3f !important; --scalar-color-blue: #0b57a8 !important; --scalar-color-orange: #8f4400 !important;
          --scalar-color-red: #b3261e !important; --scalar-color-purple: #6a3d9a !important; --scalar-color-yellow: #735c00 !important; }
        .dark-mode, .dark-mode .scalar-app { --scalar-color-2: #d0d0d0 !important; --scalar-color-3: #b8b8b8 !important; }
        .light-mode [class^="hljs-"], .light-mode [class*=" hljs-"] { color: #1f2328 !important; }
        .dark-mode [class^="hljs-"], .dark-mode [class*=" hljs-"] { color: #e6edf3 !important; }
        """;

    public static WebApplication MapSponsoredInMailApi(this WebApplication app)
    {
        app.MapApiEndpoints();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference("/scalar", options => options
                .WithTitle("SponsoredInMail API")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .AddPreferredSecuritySchemes("Bearer")
                .DisableTelemetry()
                .DisableDefaultFonts()
                // Scalar's page has no <html lang>, and its muted text is below 4.5:1 (axe html-has-lang, color-contrast).
                .AddHeadContent("<script>document.documentElement.lang = 'en';</script>")
                .WithCustomCss(ScalarAccessibleCss))
            .AllowAnonymous();
        return app;
    }
}
