using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
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
        var connectionString = DataServiceCollectionExtensions.ResolveSqliteDataSource(
            builder.Configuration.GetConnectionString("DefaultConnection")
                ?? throw new InvalidOperationException("Connection string 'DefaultConnection' is missing from appsettings.json."),
            builder.Environment.ContentRootPath);

        services.AddSponsoredInMailData(connectionString);
        services.AddSponsoredInMailCore(builder.Configuration);

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

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

        services.AddIdentityCore<ApplicationUser>(options =>
            {
                options.SignIn.RequireConfirmedAccount = false;
                options.User.RequireUniqueEmail = true;
                options.Stores.SchemaVersion = DataServiceCollectionExtensions.IdentitySchemaVersion;
                // OWASP ASVS 5: length is what matters; no composition rules.
                options.Password.RequiredLength = 8;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequiredUniqueChars = 1;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<AppDbContext>()
            .AddPasswordValidator<PasswordLengthValidator<ApplicationUser>>()
            .AddClaimsPrincipalFactory<AppClaimsPrincipalFactory>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        services.AddSingleton<IEmailSender<ApplicationUser>, IdentityNoOpEmailSender>();

        // Keys live in the database so that sign-in cookies survive a restart.
        services.AddDataProtection().PersistKeysToDbContext<AppDbContext>().SetApplicationName("SponsoredInMail");
        return builder;
    }
}
