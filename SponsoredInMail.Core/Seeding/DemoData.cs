using SponsoredInMail.Core.Accounts;

namespace SponsoredInMail.Core.Seeding;

/// <summary>The fixed cast of the demo: advertiser accounts and the logins listed in the README.</summary>
public static class DemoData
{
    public const string Password = "sponsored-demo";

    /// <summary>Member ids 1..ReservedProfiles belong to demo logins: never opted out, never senders.</summary>
    public const int ReservedProfiles = 10;

    /// <summary>
    /// Where the demo logins with a Member role (Mia, Sam) live: a country none of the running demo campaigns
    /// targets, but Northwind's "Data leaders in Europe" does. Their only sponsored history is older than both
    /// frequency caps, so a new campaign that includes them reaches them at once.
    /// </summary>
    public const string ReachableCountry = "NL", ReachableRegion = "North Holland";

    public sealed record DemoAccount(string Name, string Website, string LogoColor, string LogoInitials);

    public sealed record DemoLogin(
        string Email, string DisplayName, string[] Roles, int? MemberId, (string Account, AccountRole Role)[] Accounts);

    public static readonly IReadOnlyList<DemoAccount> Accounts =
    [
        new("Contoso Cloud", "https://contoso.example", "#0A66C2", "CC"),
        new("Northwind Analytics", "https://northwind.example", "#057642", "NA"),
        new("Fabrikam Health", "https://fabrikam.example", "#B24020", "FH"),
        new("Tailspin Software", "https://tailspin.example", "#7A3E9D", "TS"),
        new("Woodgrove Financial", "https://woodgrove.example", "#915907", "WF"),
        new("Litware Security", "https://litware.example", "#1F4E79", "LS"),
    ];

    public static readonly IReadOnlyList<DemoLogin> Logins =
    [
        new("admin@sponsoredinmail.example", "Ada Admin", [AppRoles.Admin], null, []),
        new("maria@contoso.example", "Maria Garcia", [AppRoles.Marketer], 3,
            [("Contoso Cloud", AccountRole.Manager), ("Northwind Analytics", AccountRole.Viewer)]),
        new("ben@northwind.example", "Ben Carter", [AppRoles.Marketer], 4,
            [("Northwind Analytics", AccountRole.Manager)]),
        new("member@sponsoredinmail.example", "Mia Morgan", [AppRoles.Member], 1, []),
        new("rep@sponsoredinmail.example", "Sam Rivera", [AppRoles.SalesRep, AppRoles.Member], 2, []),
    ];

    /// <summary>The members of the demo logins who read an inbox (Member role): reachable by a new campaign on a fresh database.</summary>
    public static IReadOnlyList<int> ReachableMembers { get; } =
        [.. Logins.Where(l => l.MemberId is not null && l.Roles.Contains(AppRoles.Member)).Select(l => l.MemberId!.Value)];
}
