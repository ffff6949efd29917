using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Deliveries;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Inbox;
using SponsoredInMail.Core.Members;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Engagement;

/// <summary>Every event rule against a real SQLite database: first opens, clicks through signed links, leads, conversations, opt-outs.</summary>
public class EngagementTests : IAsyncLifetime
{
    private DeliveryScenario _s = default!;
    private int _contoso;
    private int _campaign;
    private int _form;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private InboxService Inbox => _s.Database.Get<InboxService>();
    private EngagementService Engagement => _s.Database.Get<EngagementService>();

    public async ValueTask InitializeAsync()
    {
        _s = await DeliveryScenario.CreateAsync(members: 800);
        _contoso = await _s.AccountAsync("Contoso Cloud");
        _form = await LeadFormAsync(_contoso);
        _campaign = await _s.LaunchAsync(_contoso, DeliveryScenario.Countries("US"), 50, 1_000_000, configureAd: ad =>
        {
            ad.Body = "Hello %FIRSTNAME%, read [the report](https://contoso.example/report).";
            ad.LandingUrl = "https://contoso.example/landing";
        });
        await _s.Engine.RunUntilIdleAsync(Ct);
    }

    public ValueTask DisposeAsync() => _s.DisposeAsync();

    [Fact]
    public async Task OpensCountOncePerDeliveryAndRepeatsAreKept()
    {
        var (delivery, member) = await DeliveryAsync(_campaign);

        for (var i = 0; i < 3; i++)
        {
            (await Inbox.OpenSponsoredAsync(member, delivery, ct: Ct)).ShouldNotBeNull();
        }

        await using var db = _s.Database.CreateContext();
        var opens = await db.EngagementEvents.Where(e => e.DeliveryId == delivery && e.Kind == EventKind.Open).ToListAsync(Ct);
        opens.Count.ShouldBe(3);
        opens.Count(e => e.Counted).ShouldBe(1);
        (await TallyAsync(_campaign)).Opens.ShouldBe(1);
        (await db.Deliveries.SingleAsync(d => d.Id == delivery, Ct)).FirstOpenedAt.ShouldNotBeNull();
    }

    [Fact]
    public async Task TheCtaAndTheInlineLinkRedirectToTheirStoredUrlsAndCountAsTheirKind()
    {
        var (delivery, member) = await DeliveryAsync(_campaign);
        var message = (await Inbox.OpenSponsoredAsync(member, delivery, ct: Ct))!.MessageAd!;
        message.CtaUrl.ShouldStartWith(InboxService.TrackingPath);
        var inline = System.Text.RegularExpressions.Regex.Match(message.BodyHtml, "href=\"(/t/[^\"]+)\"").Groups[1].Value;

        (await Engagement.ClickAsync(Token(message.CtaUrl!), Ct)).ShouldStartWith("https://contoso.example/landing?simclid=");
        (await Engagement.ClickAsync(Token(inline), Ct)).ShouldStartWith("https://contoso.example/report?simclid=");
        (await Engagement.ClickAsync(Token(message.CtaUrl!), Ct)).ShouldStartWith("https://contoso.example/landing?simclid=");

        var tally = await TallyAsync(_campaign);
        tally.ButtonClicks.ShouldBe(2);
        tally.LinkClicks.ShouldBe(1);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("javascript:alert(1)")]
    [InlineData("%2F%2Fevil.example")]
    [InlineData("//evil.example")]
    public async Task ForgedTokensAreRefusedAndStoreNothing(string token)
    {
        (await Engagement.ClickAsync(token, Ct)).ShouldBeNull();
        await using var db = _s.Database.CreateContext();
        (await db.EngagementEvents.CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task ATamperedOrExpiredTokenIsRefused()
    {
        var (delivery, member) = await DeliveryAsync(_campaign);
        var token = Token((await Inbox.OpenSponsoredAsync(member, delivery, ct: Ct))!.MessageAd!.CtaUrl!);
        var tampered = (token[5] == 'A' ? 'B' : 'A') + "";
        (await Engagement.ClickAsync(token[..5] + tampered + token[6..], Ct)).ShouldBeNull();

        _s.Database.Clock.Advance(TimeSpan.FromDays(181));
        (await Engagement.ClickAsync(token, Ct)).ShouldBeNull();
        await using var db = _s.Database.CreateContext();
        (await db.EngagementEvents.CountAsync(e => e.Kind != EventKind.Open, Ct)).ShouldBe(0);
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("//evil.example/")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    [InlineData("https:evil.example")]
    [InlineData("java%73cript:alert(1)")]
    public async Task AGenuineTokenForANonHttpStoredLinkNeverRedirects(string stored)
    {
        var (delivery, _) = await DeliveryAsync(_campaign);
        int link;
        await using (var db = _s.Database.CreateContext())
        {
            var adId = await db.Campaigns.Where(c => c.Id == _campaign).Select(c => c.AdId!.Value).SingleAsync(Ct);
            var row = new AdLink { AdId = adId, Kind = LinkKind.Inline, Url = stored };
            db.AdLinks.Add(row);
            await db.SaveChangesAsync(Ct);
            link = row.Id;
        }
        var token = await _s.Database.Get<TrackingTokens>().IssueAsync(delivery, link, Ct);

        (await Engagement.ClickAsync(token, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task AGenuineTokenCannotLeadToAnotherAdsLink()
    {
        var other = await _s.LaunchAsync(await _s.AccountAsync("Northwind Analytics"), DeliveryScenario.Countries("GB"), 50, 1_000_000,
            configureAd: ad => ad.LandingUrl = "https://northwind.example/elsewhere");
        await _s.Engine.RunUntilIdleAsync(Ct);
        var (otherDelivery, otherMember) = await DeliveryAsync(other);
        var otherLink = Token((await Inbox.OpenSponsoredAsync(otherMember, otherDelivery, ct: Ct))!.MessageAd!.CtaUrl!);
        var linkId = (await _s.Database.Get<TrackingTokens>().ReadAsync(otherLink, Ct))!.Value.LinkId;
        var (delivery, _) = await DeliveryAsync(_campaign);

        var forged = await _s.Database.Get<TrackingTokens>().IssueAsync(delivery, linkId, Ct);

        (await Engagement.ClickAsync(forged, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task TheTrackingKeyIsGeneratedOnceAndKept()
    {
        var first = await _s.Database.Get<TrackingTokens>().KeyAsync(Ct);
        var again = await new TrackingTokens(_s.Database.Factory, Microsoft.Extensions.Options.Options.Create(new TrackingOptions()), _s.Database.Clock).KeyAsync(Ct);

        again.ShouldBe(first);
        await using var db = _s.Database.CreateContext();
        (await db.AppSecrets.CountAsync(Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task ALeadIsStoredOncePerDeliveryAndASecondSubmissionUpdatesIt()
    {
        var campaign = await LeadCampaignAsync();
        var (delivery, member) = await DeliveryAsync(campaign);
        var form = (await Inbox.OpenSponsoredAsync(member, delivery, ct: Ct))!.LeadForms[_form];
        form.Fields.Single(f => f.Label == "E-mail").Value.ShouldContain("@");
        var answers = form.Fields.ToDictionary(f => f.Label, f => f.Options?.First() ?? f.Value);

        (await Engagement.SubmitLeadAsync(member, delivery, _form, answers, consented: true, Ct)).Succeeded.ShouldBeTrue();
        answers["Budget"] = "Over $100k";
        (await Engagement.SubmitLeadAsync(member, delivery, _form, answers, consented: true, Ct)).Succeeded.ShouldBeTrue();

        await using var db = _s.Database.CreateContext();
        var lead = await db.Leads.SingleAsync(Ct);
        lead.AnswersJson.ShouldContain("Over $100k");
        (await db.EngagementEvents.CountAsync(e => e.Kind == EventKind.LeadSubmitted, Ct)).ShouldBe(2);
        (await TallyAsync(campaign)).Leads.ShouldBe(1);
    }

    [Fact]
    public async Task ABadLeadNamesEveryFieldAndStoresNothing()
    {
        var campaign = await LeadCampaignAsync();
        var (delivery, member) = await DeliveryAsync(campaign);
        var answers = new Dictionary<string, string> { ["First name"] = "", ["E-mail"] = "not-an-address", ["Budget"] = "A billion" };

        var result = await Engagement.SubmitLeadAsync(member, delivery, _form, answers, consented: false, Ct);

        result.ErrorFor("First name").ShouldBe("First name is required.");
        result.ErrorFor("E-mail").ShouldBe("Enter an e-mail address such as name@company.com.");
        result.ErrorFor("Budget").ShouldBe("Choose one of the options for \"Budget\".");
        result.ErrorFor("consent").ShouldBe("Tick the consent box to send your details.");
        await using var db = _s.Database.CreateContext();
        (await db.Leads.CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task AConversationIsWalkedButtonByButtonAndNotInterestedCountsOnce()
    {
        var campaign = await ConversationCampaignAsync();
        var (delivery, member) = await DeliveryAsync(campaign);
        var conversation = (await Inbox.OpenSponsoredAsync(member, delivery, ct: Ct))!.Conversation!;
        conversation.Messages["m2"].Buttons.Single(b => b.Action == ButtonAction.Url).Url.ShouldStartWith(InboxService.TrackingPath);

        (await Engagement.PressButtonAsync(member, delivery, "m1", "b1", Ct)).Succeeded.ShouldBeTrue();
        (await Engagement.PressButtonAsync(member, delivery, "m2", "b4", Ct)).Succeeded.ShouldBeTrue();
        (await Engagement.PressButtonAsync(member, delivery, "m1", "no", Ct)).Succeeded.ShouldBeTrue();
        (await Engagement.PressButtonAsync(member, delivery, "m1", "no", Ct)).Succeeded.ShouldBeTrue();
        (await Engagement.PressButtonAsync(member, delivery, "m1", "missing", Ct)).ErrorFor("button").ShouldNotBeNull();

        var tally = await TallyAsync(campaign);
        tally.ConversationClicks.ShouldBe(2);
        tally.NotInterested.ShouldBe(1);
        await using var db = _s.Database.CreateContext();
        (await db.EngagementEvents.Where(e => e.Kind == EventKind.ConversationButton).Select(e => e.Detail).ToListAsync(Ct)).ShouldBe(["m1/b1", "m2/b4"], ignoreOrder: true);
        (await Inbox.OpenSponsoredAsync(member, delivery, ct: Ct))!.NotInterested.ShouldBeTrue();
    }

    [Fact]
    public async Task AnOptOutFromAMessageTakesEffectInTheBreakdownAndTheNextSendAtOnce()
    {
        var (delivery, member) = await DeliveryAsync(_campaign);
        var gb = DeliveryScenario.Countries("US");
        var before = _s.Index.Count(gb, _contoso).OptedOut;

        (await Engagement.OptOutAsync(member, delivery, OptOutScope.Advertiser, Ct)).Succeeded.ShouldBeTrue();
        (await Engagement.OptOutAsync(member, delivery, OptOutScope.Advertiser, Ct)).Succeeded.ShouldBeTrue();

        await _s.Database.CatchUpIndexAsync();
        _s.Index.Count(gb, _contoso).OptedOut.ShouldBe(before + 1);
        (await TallyAsync(_campaign)).OptOuts.ShouldBe(1);
        _s.Database.Clock.Advance(TimeSpan.FromDays(61));
        await _s.EveryoneWasActiveJustNowAsync();
        var next = await _s.LaunchAsync(_contoso, gb, 50, 1_000_000);
        await _s.Engine.RunUntilIdleAsync(Ct);
        (await _s.DeliveriesAsync(next)).ShouldNotContain(d => d.MemberId == member);
        (await _s.DeliveriesAsync(next)).Count.ShouldBeGreaterThan(10);

        var optOuts = _s.Database.Get<OptOutService>();
        var row = (await optOuts.ListAsync(member, Ct)).Single(r => r.Scope == OptOutScope.Advertiser);
        row.Description.ShouldBe("Messages from Contoso Cloud");
        (await optOuts.UndoAsync(member + 1, row.Id, Ct)).Succeeded.ShouldBeFalse();
        (await optOuts.UndoAsync(member, row.Id, Ct)).Succeeded.ShouldBeTrue();
        await _s.Database.CatchUpIndexAsync();
        _s.Index.Count(gb, _contoso).OptedOut.ShouldBe(before);
    }

    [Fact]
    public async Task AMemberSeesAndActsOnlyOnTheirOwnMessages()
    {
        var (delivery, member) = await DeliveryAsync(_campaign);
        var stranger = member + 1;

        (await Inbox.OpenSponsoredAsync(stranger, delivery, ct: Ct)).ShouldBeNull();
        (await Engagement.OptOutAsync(stranger, delivery, OptOutScope.All, Ct)).Succeeded.ShouldBeFalse();
        (await Engagement.NotInterestedAsync(stranger, delivery, Ct)).Succeeded.ShouldBeFalse();
        (await Inbox.ListAsync(stranger, Ct)).ShouldNotContain(i => i.Id == delivery && i.Kind == InboxItemKind.Sponsored);
        await using var db = _s.Database.CreateContext();
        (await db.EngagementEvents.CountAsync(Ct)).ShouldBe(0);
        (await db.MemberOptOuts.CountAsync(o => o.MemberId == stranger && o.CreatedAt >= TestDatabase.Now.UtcDateTime, Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task TheAdminViewRecordsNothingAndTracksNothing()
    {
        var (delivery, member) = await DeliveryAsync(_campaign);

        var message = await Inbox.OpenSponsoredAsync(member, delivery, asMember: false, Ct);

        message!.MessageAd!.CtaUrl.ShouldBe("https://contoso.example/landing");
        await using var db = _s.Database.CreateContext();
        (await db.EngagementEvents.CountAsync(Ct)).ShouldBe(0);
        (await db.Deliveries.SingleAsync(d => d.Id == delivery, Ct)).FirstOpenedAt.ShouldBeNull();
    }

    [Fact]
    public async Task ARandomEventStormLeavesTalliesEqualToTheRawEvents()
    {
        var deliveries = await (await Task.FromResult(_s.Database.CreateContext())).Deliveries.Where(d => d.CampaignId == _campaign)
            .OrderBy(d => d.Id).Take(40).Select(d => new { d.Id, d.MemberId }).ToListAsync(Ct);
        var links = new List<string>();
        foreach (var d in deliveries.Take(10))
        {
            links.Add(Token((await Inbox.OpenSponsoredAsync(d.MemberId, d.Id, asMember: true, Ct))!.MessageAd!.CtaUrl!));
        }
        var random = new Random(7);
        var work = Enumerable.Range(0, 600).Select(i =>
        {
            var d = deliveries[random.Next(deliveries.Count)];
            var pick = random.Next(5);
            var link = links[random.Next(links.Count)];
            return Task.Run(async () =>
            {
                switch (pick)
                {
                    case 0: await Inbox.OpenSponsoredAsync(d.MemberId, d.Id, true, Ct); break;
                    case 1: await Engagement.ClickAsync(link, Ct); break;
                    case 2: await Engagement.NotInterestedAsync(d.MemberId, d.Id, Ct); break;
                    case 3: await Engagement.ClickAsync("forged" + i, Ct); break;
                    default: _s.Database.Clock.Advance(TimeSpan.FromMinutes(random.Next(0, 240))); await Inbox.OpenSponsoredAsync(d.MemberId, d.Id, true, Ct); break;
                }
            }, Ct);
        }).ToList();
        await Task.WhenAll(work);

        await using var db = _s.Database.CreateContext();
        var counted = (await db.EngagementEvents.Where(e => e.Counted).ToListAsync(Ct))
            .GroupBy(e => (e.CampaignId, Day: DateOnly.FromDateTime(e.At), e.Kind)).ToDictionary(g => g.Key, g => g.Count());
        var tallies = await db.CampaignDailyStats.ToListAsync(Ct);
        foreach (var t in tallies)
        {
            int Raw(EventKind kind) => counted.GetValueOrDefault((t.CampaignId, t.Day, kind));
            t.Opens.ShouldBe(Raw(EventKind.Open));
            t.ButtonClicks.ShouldBe(Raw(EventKind.ButtonClick));
            t.NotInterested.ShouldBe(Raw(EventKind.NotInterested));
        }
        tallies.Sum(t => t.Opens).ShouldBe(await db.Deliveries.CountAsync(d => d.FirstOpenedAt != null, Ct));
        (await _s.TallyMismatchesAsync()).ShouldBe(0);
        (await db.EngagementEvents.CountAsync(e => e.Kind == EventKind.NotInterested && e.Counted, Ct))
            .ShouldBe(await db.EngagementEvents.Where(e => e.Kind == EventKind.NotInterested).Select(e => e.DeliveryId).Distinct().CountAsync(Ct));
    }

    [Fact]
    public async Task LeadsAreReadOnlyByTheirOwnAccountAndTheCsvNeutralizesFormulas()
    {
        var campaign = await LeadCampaignAsync();
        var (delivery, member) = await DeliveryAsync(campaign);
        var answers = new Dictionary<string, string> { ["First name"] = "=HYPERLINK(\"http://evil.example\")", ["E-mail"] = "a@b.example", ["Budget"] = "Under $10k" };
        (await Engagement.SubmitLeadAsync(member, delivery, _form, answers, consented: true, Ct)).Succeeded.ShouldBeTrue();
        var leads = _s.Database.Get<LeadService>();
        var maria = await _s.Database.UserIdAsync("maria@contoso.example");
        var ben = await _s.Database.UserIdAsync("ben@northwind.example");

        (await leads.ListAsync(maria, _contoso, null, 0, 50, Ct)).TotalCount.ShouldBe(1);
        (await leads.ListAsync(ben, _contoso, null, 0, 50, Ct)).TotalCount.ShouldBe(0);
        (await leads.ExportCsvAsync(ben, _contoso, null, Ct)).ShouldBeNull();
        var csv = (await leads.ExportCsvAsync(maria, _contoso, null, Ct))!;

        csv.ShouldStartWith("submitted_at,campaign,form,First name,E-mail,Budget\r\n");
        csv.ShouldContain("\"'=HYPERLINK(\"\"http://evil.example\"\")\"");
    }

    [Fact]
    public async Task EngagedAudiencesFollowOpensClicksAndLeadsAtOnceAndSurviveARebuild()
    {
        var deliveries = (await _s.DeliveriesAsync(_campaign)).Take(6).ToList();
        foreach (var d in deliveries.Take(4))
        {
            var message = await Inbox.OpenSponsoredAsync(d.MemberId, d.Id, ct: Ct);
            if (d == deliveries[0])
            {
                await Engagement.ClickAsync(Token(message!.MessageAd!.CtaUrl!), Ct);
            }
        }
        var everywhere = DeliveryScenario.Countries("US");
        Targeting Engaged(string action, bool exclude = false) => exclude
            ? new Targeting(everywhere.Include, [new FacetCriterion(Facet.EngagedAudience, [EngagedAction.Value(_campaign, action)])])
            : new Targeting([.. everywhere.Include, new FacetCriterion(Facet.EngagedAudience, [EngagedAction.Value(_campaign, action)])], []);

        await _s.Database.CatchUpIndexAsync();
        _s.Index.Count(Engaged(EngagedAction.Opened), _contoso).Matching.ShouldBe(4);
        _s.Index.Count(Engaged(EngagedAction.Clicked), _contoso).Matching.ShouldBe(1);
        _s.Index.Count(Engaged(EngagedAction.Lead), _contoso).Matching.ShouldBe(0);
        var all = _s.Index.Count(everywhere, _contoso).Matching;
        _s.Index.Count(Engaged(EngagedAction.Opened, exclude: true), _contoso).Matching.ShouldBe(all - 4);

        await _s.Index.RebuildAsync(_s.Database.Get<IAudienceSource>(), Ct);
        await _s.Database.CatchUpIndexAsync();
        _s.Index.Count(Engaged(EngagedAction.Opened), _contoso).Matching.ShouldBe(4);

        var northwind = await _s.AccountAsync("Northwind Analytics");
        TargetingValidator.Validate(Engaged(EngagedAction.Opened), _s.Index, _contoso).Succeeded.ShouldBeTrue();
        TargetingValidator.Validate(Engaged(EngagedAction.Opened), _s.Index, northwind).Succeeded.ShouldBeFalse();
        _s.Index.Label(Facet.EngagedAudience, EngagedAction.Value(_campaign, EngagedAction.Clicked)).ShouldStartWith("Clicked “");
    }

    [Fact]
    public async Task TheTallyCheckFindsATallyThatDisagreesWithTheEvents()
    {
        var (delivery, member) = await DeliveryAsync(_campaign);
        await Inbox.OpenSponsoredAsync(member, delivery, ct: Ct);
        (await _s.TallyMismatchesAsync()).ShouldBe(0);

        await using var db = _s.Database.CreateContext();
        await db.CampaignDailyStats.Where(t => t.CampaignId == _campaign).ExecuteUpdateAsync(u => u.SetProperty(t => t.Opens, t => t.Opens + 1), Ct);

        (await _s.TallyMismatchesAsync()).ShouldBeGreaterThan(0);
    }

    private static string Token(string trackedUrl) => trackedUrl[InboxService.TrackingPath.Length..];

    private async Task<(long Delivery, int Member)> DeliveryAsync(int campaignId)
    {
        var delivery = (await _s.DeliveriesAsync(campaignId)).First();
        return (delivery.Id, delivery.MemberId);
    }

    private async Task<CampaignDailyStat> TallyAsync(int campaignId)
    {
        await using var db = _s.Database.CreateContext();
        var rows = await db.CampaignDailyStats.Where(s => s.CampaignId == campaignId).ToListAsync(Ct);
        return new CampaignDailyStat
        {
            CampaignId = campaignId, Opens = rows.Sum(r => r.Opens), ButtonClicks = rows.Sum(r => r.ButtonClicks), LinkClicks = rows.Sum(r => r.LinkClicks),
            Leads = rows.Sum(r => r.Leads), ConversationClicks = rows.Sum(r => r.ConversationClicks), NotInterested = rows.Sum(r => r.NotInterested),
            OptOuts = rows.Sum(r => r.OptOuts),
        };
    }

    private async Task<int> LeadFormAsync(int accountId)
    {
        await using var db = _s.Database.CreateContext();
        var form = new LeadGenForm
        {
            AdvertiserAccountId = accountId, Name = "Guide form", Headline = "Get the guide", PrivacyPolicyUrl = "https://contoso.example/privacy",
            ConsentText = "Contoso may contact me.", ThankYouMessage = "Thanks!", CreatedByUserId = "test", UpdatedByUserId = "test",
            ProfileFields = [ProfileField.FirstName, ProfileField.Email],
            Questions = [new CustomQuestion("Budget", QuestionKind.Choice, ["Under $10k", "Over $100k"])],
        };
        db.LeadGenForms.Add(form);
        await db.SaveChangesAsync();
        return form.Id;
    }

    private async Task<int> LeadCampaignAsync()
    {
        var id = await _s.LaunchAsync(_contoso, DeliveryScenario.Countries("DE"), 50, 1_000_000, configureAd: ad =>
        {
            ad.CtaTarget = CtaTarget.LeadForm;
            ad.LeadFormId = _form;
            ad.LandingUrl = null;
        });
        await _s.Engine.RunUntilIdleAsync(Ct);
        return id;
    }

    private async Task<int> ConversationCampaignAsync()
    {
        var id = await _s.LaunchAsync(await _s.AccountAsync("Fabrikam Health"), DeliveryScenario.Countries("IN"), 50, 1_000_000, configureAd: ad =>
        {
            ad.Format = AdFormat.ConversationAd;
            ad.CtaTarget = null;
            ad.LandingUrl = null;
            ad.Conversation = new ConversationScript("m1",
            [
                new("m1", "Interested in a demo?", [new("b1", "Tell me more", ButtonAction.NextMessage, "m2"), new("no", "Not interested", ButtonAction.End)]),
                new("m2", "Great. Pick one:", [new("b3", "See the site", ButtonAction.Url, Url: "https://fabrikam.example/demo"), new("b4", "Done", ButtonAction.End)]),
            ]);
        });
        await _s.Engine.RunUntilIdleAsync(Ct);
        return id;
    }
}
