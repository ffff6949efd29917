using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Accounts;

public static class IdentitySetup
{
    /// <summary>
    /// Identity users, roles and stores with the product's login rules. The web app adds sign-in and
    /// cookies on top; Core tests use this as it is.
    /// </summary>
    public static IdentityBuilder AddSponsoredInMailIdentity(this IServiceCollection services) =>
        services.AddIdentityCore<ApplicationUser>(ConfigureLoginRules)
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<AppDbContext>()
            .AddPasswordValidator<PasswordLengthValidator<ApplicationUser>>();

    /// <summary>OWASP ASVS 5: length is what matters (8–128, no composition rules); 5 failures lock for 5 minutes.</summary>
    public static void ConfigureLoginRules(IdentityOptions options)
    {
        options.SignIn.RequireConfirmedAccount = false;
        options.User.RequireUniqueEmail = true;
        options.Stores.SchemaVersion = DataServiceCollectionExtensions.IdentitySchemaVersion;
        options.Password.RequiredLength = 8;
        options.Password.RequireDigit = false;
        options.Password.RequireLowercase = false;
        options.Password.RequireUppercase = false;
        options.Password.RequireNonAlphanumeric = false;
        options.Password.RequiredUniqueChars = 1;
        options.Lockout.AllowedForNewUsers = true;
        options.Lockout.MaxFailedAccessAttempts = 5;
        options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
    }
}
