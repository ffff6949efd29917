using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using MudBlazor.Services;
using SponsoredInMail.Core;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Web.Accounts;
using SponsoredInMail.Web.Components.Account;

namespace SponsoredInMail.Web.Hosting;

public static class WebServiceRegistration
{
    public static WebApplicationBuilder AddSponsoredInMail(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // Serve the build's static web assets (MudBlazor, scoped CSS) in every environment, not only Development,
        // so test hosts and `dotnet run` with another environment look the same. A published app has none to load.
        builder.WebHost.UseStaticWebAssets();
        var contentRoot = builder.Environment.ContentRootPath;
        services.AddSponsoredInMailData(sp =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            return DataServiceCollectionExtensions.FromConfiguration(
                configuration["Database:Provider"], configuration.GetConnectionString("DefaultConnection"), contentRoot);
        });
        services.AddSponsoredInMailCore(builder.Configuration);

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        services.AddHostedService<LeadershipWorker>();
        services.AddHostedService<AudienceIndexLoader>();
        services.AddHostedService<ChangeFeedWorker>();
        services.AddHostedService<DeliveryWorker>();
        services.AddHostedService<CreditJobWorker>();
        services.AddHostedService<WebhookWorker>();

        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
        services.AddScoped<CurrentAccount>();
        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.AddAuthorization();
        services.AddSponsoredInMailApi();

        services.AddSponsoredInMailIdentity()
            .AddClaimsPrincipalFactory<AppClaimsPrincipalFactory>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        services.AddSingleton<IEmailSender<ApplicationUser>, IdentityNoOpEmailSender>();

        builder.AddSponsoredInMailTransportSecurity();
        return builder;
    }
}
