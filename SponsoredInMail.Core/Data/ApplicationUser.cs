using Microsoft.AspNetCore.Identity;

namespace SponsoredInMail.Core.Data;

/// <summary>A login. Members and sales reps are linked to their profile in the network.</summary>
public class ApplicationUser : IdentityUser
{
    public string DisplayName { get; set; } = "";

    /// <summary>The member profile this login acts as (inbox, settings, test sends), if any.</summary>
    public int? MemberId { get; set; }
}
