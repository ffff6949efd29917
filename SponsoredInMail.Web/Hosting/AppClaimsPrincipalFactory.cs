using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Web.Hosting;

/// <summary>Puts the display name and linked member id into the sign-in cookie so pages need no look-up.</summary>
internal sealed class AppClaimsPrincipalFactory(
    UserManager<ApplicationUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<ApplicationUser, IdentityRole>(users, roles, options)
{
    public const string DisplayNameClaim = "display_name";
    public const string MemberIdClaim = "member_id";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(ApplicationUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(DisplayNameClaim, string.IsNullOrEmpty(user.DisplayName) ? user.Email ?? "" : user.DisplayName));
        if (user.MemberId is { } memberId)
        {
            identity.AddClaim(new Claim(MemberIdClaim, memberId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        return identity;
    }
}

public static class ClaimsPrincipalExtensions
{
    public static string UserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The user is not signed in.");

    public static string DisplayName(this ClaimsPrincipal user) =>
        user.FindFirstValue(AppClaimsPrincipalFactory.DisplayNameClaim) ?? user.Identity?.Name ?? "";

    public static int? MemberId(this ClaimsPrincipal user) =>
        int.TryParse(user.FindFirstValue(AppClaimsPrincipalFactory.MemberIdClaim), out var id) ? id : null;
}
