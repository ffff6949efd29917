using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Deliveries;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Inbox;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Web;

/// <summary>The click endpoint over HTTP: a genuine token redirects to its stored URL after the click is stored; nothing else redirects.</summary>
public class TrackingEndpointTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AGenuineTokenRedirectsToTheStoredUrlAfterStoringTheClick()
    {
        var tracked = await TrackedCtaAsync();
        var client = app.CreateBrowserlessClient();

        var response = await client.GetAsync(tracked, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldStartWith("https://contoso.example/landing?simclid=");
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);
        (await db.EngagementEvents.CountAsync(e => e.Kind == EventKind.ButtonClick, Ct)).ShouldBeGreaterThanOrEqualTo(1);
    }

    [Theory]
    [InlineData("/t/forged")]
    [InlineData("/t/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("/t/javascript:alert(1)")]
    [InlineData("/t/%2F%2Fevil.example")]
    [InlineData("/t/https%3A%2F%2Fevil.example")]
    [InlineData("/t//evil.example")]
    public async Task ForgedOrRedirectingTokensGet404AndNoLocation(string path)
    {
        var response = await app.CreateBrowserlessClient().GetAsync(path, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Headers.Location.ShouldBeNull();
    }

    [Fact]
    public async Task ATamperedTokenGets404()
    {
        var tracked = await TrackedCtaAsync();
        var flipped = tracked[..^1] + (tracked[^1] == 'A' ? 'B' : 'A');

        var response = await app.CreateBrowserlessClient().GetAsync(flipped, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Headers.Location.ShouldBeNull();
    }

    /// <summary>A delivery to member #1 of a live Contoso campaign, opened in the inbox: its tracked CTA URL.</summary>
    private async Task<string> TrackedCtaAsync()
    {
        _ = app.CreateClient();
        var factory = app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        long deliveryId;
        await using (var db = await factory.CreateDbContextAsync(Ct))
        {
            var account = await db.AdvertiserAccounts.SingleAsync(a => a.Name == "Contoso Cloud", Ct);
            var sender = await db.SenderPermissions.Where(p => p.AdvertiserAccountId == account.Id && p.Status == SenderPermissionStatus.Granted).Select(p => p.MemberId).FirstAsync(Ct);
            var now = DateTime.UtcNow;
            var ad = new Ad
            {
                AdvertiserAccountId = account.Id, Name = "Tracked", Format = AdFormat.MessageAd, SenderMemberId = sender, Subject = "Hi", Body = "Hello",
                CtaText = "Go", CtaTarget = CtaTarget.LandingUrl, LandingUrl = "https://contoso.example/landing",
                CreatedByUserId = "test", CreatedAt = now, UpdatedByUserId = "test", UpdatedAt = now,
            };
            db.Ads.Add(ad);
            await db.SaveChangesAsync(Ct);
            var campaign = new Campaign
            {
                AdvertiserAccountId = account.Id, Name = "Tracked", AdId = ad.Id, BidCents = 50, LifetimeBudgetCents = 50, StartAt = now, Status = CampaignStatus.Completed,
                CreatedByUserId = "test", CreatedAt = now, UpdatedByUserId = "test", UpdatedAt = now, SpentCents = 50,
            };
            db.Campaigns.Add(campaign);
            await db.SaveChangesAsync(Ct);
            var delivery = new Delivery { CampaignId = campaign.Id, MemberId = 1, AdvertiserAccountId = account.Id, AdId = ad.Id, PriceCents = 50, DeliveredAt = now };
            db.Deliveries.Add(delivery);
            await db.SaveChangesAsync(Ct);
            deliveryId = delivery.Id;
        }
        var message = await app.Services.GetRequiredService<InboxService>().OpenSponsoredAsync(1, deliveryId, ct: Ct);
        return message!.MessageAd!.CtaUrl!;
    }
}
