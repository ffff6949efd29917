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
