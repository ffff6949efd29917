using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Tests.Web.Components.Inbox;

namespace SponsoredInMail.Tests.Browser;

/// <summary>One page of the app as a role sees it; <see cref="Prepare"/> brings it to the state to check (e.g. facets picked).</summary>
public sealed record RolePage(string Name, string Path, Func<IPage, Task>? Prepare = null)
{
    public override string ToString() => Name;
}

/// <summary>A role's login and the pages it uses, over data made for the test (see <see cref="TestPeople"/>).</summary>
public sealed record RoleTour(string Role, string? Email, IReadOnlyList<RolePage> Pages);

/// <summary>Every page of every role, for the accessibility and phone-layout sweeps.</summary>
public static class RolePages
{
    public const string Anonymous = "anonymous";
    public const string Admin = "admin";
    public const string Marketer = "marketer";
    public const string Member = "member";
    public const string SalesRep = "sales rep";

    public static readonly string[] LoggedInRoles = [Admin, Marketer, Member, SalesRep];

    public static async Task<RoleTour> ForAsync(string role, TestPeople people, IServiceProvider services)
    {
        var factory = services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var data = new InboxTestData(factory, () => DateTime.UtcNow);
        switch (role)
        {
            case Anonymous:
                return new(role, null, [new("Log in", "/Account/Login"), new("API reference", "/scalar/v1")]);

            case Admin:
            {
                var admin = await people.NewAdminAsync();
                var member = await people.NewMemberAsync();
                var advertiser = await people.NewAdvertiserAsync("Review");
                var message = await data.MessageAdAsync(member.MemberId, advertiser.AccountName, "Sweep: a message", DateTime.UtcNow.AddHours(-2));
                var inReview = await InReviewCampaignAsync(factory, message);
                return new(role, admin.Email,
                [
                    new("Home", "/"), new("Review queue", "/admin/review"), new("Review detail", $"/admin/review/{inReview}"),
                    new("Audit log", "/admin/audit"), new("Members", "/admin/members"), new("Member profile", $"/admin/members/{member.MemberId}"),
                    new("Member inbox", $"/admin/members/{member.MemberId}/inbox"),
                    new("Member message", $"/admin/members/{member.MemberId}/inbox/sponsored/{message}"),
                    new("Seats", "/admin/seats"), new("Manage login", "/Account/Manage"),
                ]);
            }

            case Marketer:
            {
                var advertiser = await people.NewAdvertiserAsync("Sweep");
                var a = $"/accounts/{advertiser.AccountId}";
                var member = await people.NewMemberAsync();
                var form = await data.LeadFormAsync(advertiser.AccountId);
                var delivery = await data.MessageAdAsync(member.MemberId, advertiser.AccountName, "Sweep: a message", DateTime.UtcNow.AddHours(-2), form);
                int campaign, ad;
                await using (var db = await factory.CreateDbContextAsync())
                {
                    campaign = await db.Deliveries.Where(d => d.Id == delivery).Select(d => d.CampaignId).SingleAsync();
                    ad = await db.Campaigns.Where(c => c.Id == campaign).Select(c => c.AdId!.Value).SingleAsync();
                    // Made by the marketer (the editor shows who made and last changed it).
                    await db.LeadGenForms.Where(f => f.Id == form).ExecuteUpdateAsync(u => u
                        .SetProperty(f => f.CreatedByUserId, advertiser.Marketer.UserId).SetProperty(f => f.UpdatedByUserId, advertiser.Marketer.UserId));
                }
                var audience = (await services.GetRequiredService<AudienceService>().CreateAsync(advertiser.Marketer.UserId, advertiser.AccountId,
                    "Sweep audience", new Targeting([new FacetCriterion(Facet.Location, [member.CountryCode])], []))).Value;
                // A conversion, so that its snippets show in the sweep.
                (await services.GetRequiredService<SponsoredInMail.Core.Conversions.ConversionDefinitionService>().CreateAsync(advertiser.Marketer.UserId,
                    advertiser.AccountId, new SponsoredInMail.Core.Conversions.ConversionDefinitionInput("Sweep purchase",
                        SponsoredInMail.Core.Conversions.ConversionCategory.Purchase, 4900))).Succeeded.ShouldBeTrue();
                // A webhook endpoint, so that its row, secret and delivery log show.
                (await services.GetRequiredService<SponsoredInMail.Core.Webhooks.WebhookService>().CreateAsync(advertiser.Marketer.UserId,
                    advertiser.AccountId, new SponsoredInMail.Core.Webhooks.WebhookEndpointInput("https://crm.example/hooks/sponsored",
                        SponsoredInMail.Core.Webhooks.WebhookEvents.LeadCreated | SponsoredInMail.Core.Webhooks.WebhookEvents.ConversionAttributed))).Succeeded.ShouldBeTrue();
                return new(role, advertiser.Email,
                [
                    new("Home", "/"), new("Account & team", a), new("Campaigns", $"{a}/campaigns"), new("New campaign", $"{a}/campaigns/new"),
                    new("Campaign", $"{a}/campaigns/{campaign}"), new("Campaign report", $"{a}/campaigns/{campaign}/report"),
                    new("Audiences", $"{a}/audiences"), new("Audience", $"{a}/audiences/{audience}"),
                    new("New audience, facets picked", $"{a}/audiences/new", async page =>
                    {
                        await page.PickFacetAsync("include-Location", "United States");
                        await page.PickFacetAsync("include-Seniority", "Director");
                        // And the next picker's suggestions open, as while picking.
                        await page.GetByTestId("include-JobFunction").Locator("input").ClickAsync();
                        await page.Locator(".mud-popover-open .mud-list-item").First.WaitForAsync();
                        // Checked once faded in: mid-animation the suggestions are translucent, and axe would read that as low contrast.
                        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.mud-popover-open')].every(p => getComputedStyle(p).opacity === '1')");
                    }),
                    new("Ads", $"{a}/ads"), new("Ad", $"{a}/ads/{ad}"),
                    new("New Message Ad, empty preview", $"{a}/ads/new/message"), new("New Conversation Ad, empty preview", $"{a}/ads/new/conversation"),
                    new("Lead gen forms", $"{a}/lead-forms"), new("Lead gen form", $"{a}/lead-forms/{form}"), new("New lead gen form", $"{a}/lead-forms/new"),
                    new("Leads", $"{a}/leads"), new("Reports", $"{a}/reports"), new("Compare campaigns", $"{a}/reports/compare"),
                    new("Conversions", $"{a}/conversions"),
                    new("API tokens", $"{a}/api-tokens"), new("Webhooks", $"{a}/webhooks"), new("Manage login", "/Account/Manage"),
                ]);
            }

            case Member:
            {
                var member = await people.NewMemberAsync();
                var advertiser = await people.NewAdvertiserAsync("Inbox");
                var message = await data.MessageAdAsync(member.MemberId, advertiser.AccountName, "Sweep: a message", DateTime.UtcNow.AddHours(-2));
                return new(role, member.Email,
                [
                    new("Home", "/"), new("Inbox", "/inbox"), new("Message", $"/inbox/sponsored/{message}"),
                    new("My profile", "/me"), new("Messaging settings", "/settings"), new("Manage login", "/Account/Manage"),
                ]);
            }

            case SalesRep:
            {
                var rep = await people.NewSalesRepAsync();
                return new(role, rep.Email,
                [
                    new("Home", "/"), new("Inbox", "/inbox"), new("InMail", "/inmail"), new("My profile", "/me"),
                    new("Messaging settings", "/settings"), new("Manage login", "/Account/Manage"),
                ]);
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(role), role, "unknown role");
        }
    }

    /// <summary>Opens the page and waits until it is ready to be checked (interactive, heading shown, prepared).</summary>
    public static async Task VisitAsync(this IPage page, RolePage target)
    {
        await page.GotoAsync(target.Path);
        if (target.Path.StartsWith("/scalar", StringComparison.Ordinal))
        {
            await page.Locator(".scalar-app, #app").First.WaitForAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            return;
        }
        if (!target.Path.StartsWith("/Account/", StringComparison.Ordinal))
        {
            await page.WaitForInteractiveAsync();
        }
        await page.Locator("h1").First.WaitForAsync();
        if (target.Prepare is not null)
        {
            await target.Prepare(page);
        }
    }

    /// <summary>The campaign of <paramref name="delivery"/> copied as a new campaign waiting for review.</summary>
    private static async Task<int> InReviewCampaignAsync(IDbContextFactory<AppDbContext> factory, long delivery)
    {
        await using var db = await factory.CreateDbContextAsync();
        var source = await db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == db.Deliveries.Where(d => d.Id == delivery).Select(d => d.CampaignId).Single());
        var campaign = new Campaign
        {
            AdvertiserAccountId = source.AdvertiserAccountId, Name = $"Sweep review {Guid.NewGuid():N}"[..20], Objective = source.Objective, AdId = source.AdId,
            TargetingJson = source.TargetingJson, AudienceName = source.AudienceName, BidCents = source.BidCents, LifetimeBudgetCents = source.LifetimeBudgetCents,
            StartAt = DateTime.UtcNow.AddDays(1), Status = CampaignStatus.InReview,
            CreatedByUserId = source.CreatedByUserId, CreatedAt = DateTime.UtcNow, UpdatedByUserId = source.CreatedByUserId, UpdatedAt = DateTime.UtcNow,
        };
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync();
        db.CampaignStatusChanges.Add(new CampaignStatusChange
        {
            CampaignId = campaign.Id, From = CampaignStatus.Draft, To = CampaignStatus.InReview, ActorUserId = source.CreatedByUserId, At = DateTime.UtcNow,
        });
        await db.SaveChangesAsync();
        return campaign.Id;
    }
}
