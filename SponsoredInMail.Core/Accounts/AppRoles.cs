using Microsoft.EntityFrameworkCore;

namespace SponsoredInMail.Core.Accounts;

/// <summary>The platform roles of a login (ASP.NET Core Identity roles).</summary>
public static class AppRoles
{
    public const string Marketer = "Marketer";
    public const string Admin = "Admin";
    public const string Member = "Member";
    public const string SalesRep = "SalesRep";

    public static readonly IReadOnlyList<string> All = [Marketer, Admin, Member, SalesRep];
}

public static class AdminCheck
{
    /// <summary>Whether the login holds the Admin role (the one check every admin-only service makes).</summary>
    public static Task<bool> IsAdminAsync(this Data.AppDbContext db, string userId, CancellationToken ct) =>
        (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == userId && r.Name == AppRoles.Admin select ur)
            .AnyAsync(ct);
}
