using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Members;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Web.Accounts;
using SponsoredInMail.Web.Hosting;

namespace SponsoredInMail.Tests.Web.Components;

/// <summary>
/// bUnit with MudBlazor's services (popover checks and transitions off, JS interop loose) and the real
/// Core services over a seeded test database.
/// </summary>
public abstract class BunitTestBase : BunitContext, IClassFixture<SeededDatabase>
{
    protected BunitTestBase(SeededDatabase seeded)
    {
        Database = seeded.Database;
        // The 1 s default is too short on a loaded 2-core CI machine once a save also records its change and wakes
        // the feed; waits still end as soon as their assertion passes. 30 s: a class that runs in the first minute of a
        // CI pass, while dozens of fixtures seed their databases at once, saw a first save take over 10 s.
        DefaultWaitTimeout = TimeSpan.FromSeconds(30);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(options =>
        {
            options.PopoverOptions.CheckForPopoverProvider = false;
            options.PopoverOptions.Duration = TimeSpan.Zero;
            options.PopoverOptions.Delay = TimeSpan.Zero;
            options.SnackbarConfiguration.ShowTransitionDuration = 0;
            options.SnackbarConfiguration.HideTransitionDuration = 0;
        });
        Services.AddSingleton(Database.Get<AccountService>());
        Services.AddSingleton(Database.Get<MemberDirectory>());
        Services.AddSingleton(Database.Get<NetworkOverview>());
        Services.AddSingleton(Database.Get<MemberActivity>());
        Services.AddSingleton(Database.Get<SponsoredInMail.Core.Audiences.AudienceService>());
        Services.AddSingleton(Database.Get<SponsoredInMail.Core.Audiences.MatchedAudienceImporter>());
        Services.AddSingleton(Database.Get<SponsoredInMail.Core.Ads.AdService>());
        Services.AddSingleton(Database.Get<SponsoredInMail.Core.Ads.LeadFormService>());
        Services.AddSingleton(Database.Get<SenderService>());
        Services.AddSingleton(Database.Get<SponsoredInMail.Core.Audiences.AudienceIndex>());
        Services.AddSingleton(Database.Get<SponsoredInMail.Core.Changes.LiveChanges>());
        Services.AddSingleton(Database.Get<Microsoft.Extensions.Options.IOptions<SponsoredInMail.Core.Audiences.AudienceOptions>>());
        Services.AddSingleton(Database.Get<Microsoft.Extensions.Options.IOptions<SponsoredInMail.Core.Campaigns.CampaignOptions>>());
        Services.AddSingleton(Database.Get<SponsoredInMail.Core.Campaigns.CampaignService>());
        Services.AddSingleton(Database.Get<SponsoredInMail.Core.Campaigns.CampaignOverview>());
        Services.AddSingleton(Database.Get<SponsoredInMail.Core.Campaigns.ReviewService>());
        Services.AddSingleton(Database.Get<SponsoredInMail.Core.Variants.VariantService>());
        Services.AddSingleton(Database.Get<SponsoredInMail.Core.Conversions.HoldoutLiftService>());
        Services.AddSingleton(Database.Get<SponsoredInMail.Core.Campaigns.AdminCampaignService>());
        Services.AddSingleton(Database.Get<SponsoredInMail.Core.Campaigns.CampaignSendingStates>());
        Services.AddSingleton(Database.Get<SponsoredInMail.Core.Audit.AuditLogQuery>());
        Services.AddSingleton(Database.Get<SponsoredInMail.Core.Inbox.InboxService>());
        Services.AddSingleton(Database.Get<SponsoredInMail.Core.Inbox.TestSendService>());
        Services.AddSingleton(Database.Get<SponsoredInMail.Core.Engagement.EngagementService>());
        Services.AddSingleton(Database.Get<SponsoredInMail.Core.Engagement.OptOutService>());
        Services.AddSingleton(Database.Get<SponsoredInMail.Core.Engagement.LeadService>());
        // Resolved at the first render, so that a test may put its own in first (HeldReportLoads).
        Services.AddSingleton(_ => Reports ?? Database.Get<SponsoredInMail.Core.Reports.ReportService>());
        Services.AddSingleton(Database.Get<Microsoft.Extensions.Options.IOptions<SponsoredInMail.Core.Reports.ReportOptions>>());
        Services.AddSingleton(Database.Get<SponsoredInMail.Core.InMail.InMailService>());
        Services.AddSingleton(Database.Get<SponsoredInMail.Core.InMail.CreditJob>());
        Services.AddSingleton(Database.Get<Microsoft.Extensions.Options.IOptions<SponsoredInMail.Core.InMail.InMailOptions>>());
        Services.AddSingleton(Database.Get<SponsoredInMail.Core.InMail.InMailDirectory>());
        Services.AddSingleton(Database.Get<UserNames>());
        // The pages read the same (fake) clock as the Core services they call.
        Services.AddSingleton<TimeProvider>(new PageClock(Database.Clock));
        Services.AddScoped<CurrentAccount>();
        Authorization = AddAuthorization();
    }

    protected TestDatabase Database { get; }

    /// <summary>The report service the pages get instead of the database's; set it before the first render.</summary>
    protected SponsoredInMail.Core.Reports.ReportService? Reports { get; set; }

    protected BunitAuthorizationContext Authorization { get; }

    /// <summary>Signs in as a demo login: its roles, user id, display name and linked member.</summary>
    protected async Task SignInAsAsync(string email)
    {
        await using var db = Database.CreateContext();
        var user = await db.Users.SingleAsync(u => u.Email == email);
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == user.Id select r.Name!).ToListAsync();
        Authorization.SetAuthorized(user.DisplayName);
        Authorization.SetRoles([.. roles]);
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id),
            new(AppClaimsPrincipalFactory.DisplayNameClaim, user.DisplayName),
        };
        if (user.MemberId is { } memberId)
        {
            claims.Add(new Claim(AppClaimsPrincipalFactory.MemberIdClaim, memberId.ToString()));
        }
        Authorization.SetClaims([.. claims]);
    }

    /// <summary>Signs in as a plain member login linked to <paramref name="memberId"/> (for inboxes no other test touches).</summary>
    protected void SignInAsMember(int memberId)
    {
        Authorization.SetAuthorized($"Member {memberId}");
        Authorization.SetRoles(AppRoles.Member);
        Authorization.SetClaims(
            new Claim(ClaimTypes.NameIdentifier, $"member-login-{memberId}"),
            new Claim(AppClaimsPrincipalFactory.MemberIdClaim, memberId.ToString()));
    }

    protected IRenderedComponent<MudPopoverProvider> RenderPopoverProvider() => Render<MudPopoverProvider>();

    protected Task<string> UserIdAsync(string email) => Database.UserIdAsync(email);

    protected Task<int> AccountIdAsync(string name) => Database.AccountIdAsync(name);
}

/// <summary>
/// The pages' clock in bUnit: the test database's fake time for "now" (so pages and the Core services they call agree
/// on the date), real timers for everything that waits (MudBlazor's debounce would never fire on a fake clock).
/// </summary>
internal sealed class PageClock(Microsoft.Extensions.Time.Testing.FakeTimeProvider now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now.GetUtcNow();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        System.CreateTimer(callback, state, dueTime, period);

    public override long GetTimestamp() => System.GetTimestamp();

    public override long TimestampFrequency => System.TimestampFrequency;
}
