using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Changes;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Tests.Core.Engagement;

/// <summary>The engagement rules without a database: what counts, which click, what an opt-out covers, which URL may be followed.</summary>
public class EngagementRulesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTime At = new(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(EventKind.Open, EngagementRules.Counting.OncePerDelivery)]
    [InlineData(EventKind.LeadSubmitted, EngagementRules.Counting.OncePerDelivery)]
    [InlineData(EventKind.NotInterested, EngagementRules.Counting.OncePerDelivery)]
    [InlineData(EventKind.OptOut, EngagementRules.Counting.OncePerOptOut)]
    [InlineData(EventKind.ButtonClick, EngagementRules.Counting.Every)]
    [InlineData(EventKind.LeadFormOpen, EngagementRules.Counting.Every)]
    [InlineData(EventKind.ConversationButton, EngagementRules.Counting.Every)]
    public void EachKindCountsAsTheProductSays(EventKind kind, EngagementRules.Counting counting) =>
        EngagementRules.CountingOf(kind).ShouldBe(counting);

    [Theory]
    [InlineData(LinkKind.Cta, EventKind.ButtonClick)]
    [InlineData(LinkKind.Inline, EventKind.LinkClick)]
    [InlineData(LinkKind.Banner, EventKind.BannerClick)]
    public void ALinksPlaceDecidesItsClickKind(LinkKind link, EventKind kind) => EngagementRules.ClickKindOf(link).ShouldBe(kind);

    [Theory]
    [InlineData("https://contoso.example/x", true)]
    [InlineData("http://contoso.example", true)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("//evil.example", false)]
    [InlineData("/relative", false)]
    [InlineData("", false)]
    public void OnlyAbsoluteWebUrlsAreFollowed(string url, bool followed) => EngagementRules.MayRedirectTo(url).ShouldBe(followed);

    [Fact]
    public void AnOptOutCoversEverythingTheAccountOrItsSenderAndNeedsASenderForThat()
    {
        EngagementRules.OptOutTarget(OptOutScope.All, 7, 42).ShouldBe((null, null));
        EngagementRules.OptOutTarget(OptOutScope.Advertiser, 7, 42).ShouldBe((7, null));
        EngagementRules.OptOutTarget(OptOutScope.Sender, 7, 42).ShouldBe((null, 42));
        EngagementRules.OptOutTarget(OptOutScope.Sender, 7, null).ShouldBeNull();
    }

    [Fact]
    public void EveryKindHasItsOwnTally() =>
        Enum.GetValues<EventKind>().Select(EngagementRules.TallyOf).Distinct().Count().ShouldBe(Enum.GetValues<EventKind>().Length);

    /// <summary>The one map both providers' stores and tally checks write into their SQL: each tally its own counter column.</summary>
    [Fact]
    public void EveryTallyIsKeptInItsOwnCounterColumnOfTheDailyStats()
    {
        using var db = new SponsoredInMail.Core.Data.AppDbContext(
            new DbContextOptionsBuilder<SponsoredInMail.Core.Data.AppDbContext>().UseSqlite("Data Source=:memory:").Options);
        var stats = db.Model.FindEntityType(typeof(SponsoredInMail.Core.Deliveries.CampaignDailyStat)).ShouldNotBeNull();
        var columns = Enum.GetValues<Tally>().Select(TallyColumns.Of).ToList();

        columns.Distinct().Count().ShouldBe(columns.Count);
        foreach (var column in columns)
        {
            var property = stats.FindProperty(column).ShouldNotBeNull(column);
            (property.GetColumnName(), property.ClrType).ShouldBe((column, typeof(int)));
        }
    }

    [Fact]
    public async Task TheRecorderCountsTheFirstOpenOnceAndEveryClickWithTheFirstAsAMemberWhoClicked()
    {
        var session = new FakeSession();
        var open = new EventRequest(1, EventKind.Open, At);
        var click = new EventRequest(1, EventKind.ButtonClick, At, AdLinkId: 5);

        var outcomes = await EngagementRecorder.RecordAsync(session, [open, open, click, click], At, Ct);

        outcomes.Select(o => o.Counted).ShouldBe([true, false, true, true]);
        outcomes[2].RedirectUrl.ShouldBe("https://contoso.example/landing");
        session.Tallies.ShouldBe([Tally.Opens, Tally.ButtonClicks, Tally.UniqueClickers, Tally.ButtonClicks]);
        session.Events.Count.ShouldBe(4, "repeats are kept, only not counted");
        session.Changes.OfType<EngagementRecorded>().Single().Events.Count.ShouldBe(3);
    }

    [Fact]
    public async Task TheRecorderRefusesAnotherMembersDeliveryAStoredNonWebLinkAndASenderOptOutWithoutSender()
    {
        var session = new FakeSession { LinkUrl = "javascript:alert(1)", Sender = null };

        var outcomes = await EngagementRecorder.RecordAsync(session,
            [new EventRequest(1, EventKind.Open, At, MemberId: 99), new EventRequest(1, EventKind.LinkClick, At, AdLinkId: 5),
             new EventRequest(1, EventKind.OptOut, At, OptOutScope: OptOutScope.Sender)], At, Ct);

        outcomes.ShouldAllBe(o => !o.Stored);
        session.Events.ShouldBeEmpty();
        session.Changes.ShouldBeEmpty();
    }

    private sealed class FakeSession : IEngagementSession
    {
        private readonly HashSet<(long, string)> _firsts = [];
        public string LinkUrl { get; init; } = "https://contoso.example/landing";
        public int? Sender { get; init; } = 42;
        public List<Tally> Tallies { get; } = [];
        public List<(EventKind Kind, bool Counted)> Events { get; } = [];
        public List<DataChange> Changes { get; } = [];

        public Task<DeliveryOfEvent?> FindDeliveryAsync(long deliveryId, CancellationToken ct) =>
            Task.FromResult<DeliveryOfEvent?>(new DeliveryOfEvent(10, 3, 8, 7, Sender));
        public Task<(string Url, LinkKind Kind)?> FindLinkAsync(int linkId, int? adId, CancellationToken ct) =>
            Task.FromResult<(string, LinkKind)?>((LinkUrl, LinkKind.Cta));
        public Task<bool> MarkFirstOpenAsync(long deliveryId, DateTime at, CancellationToken ct) => Task.FromResult(_firsts.Add((deliveryId, "open")));
        public Task<bool> MarkFirstClickAsync(long deliveryId, DateTime at, CancellationToken ct) => Task.FromResult(_firsts.Add((deliveryId, "click")));
        public Task<bool> SaveLeadAsync(long deliveryId, DeliveryOfEvent delivery, LeadPayload lead, DateTime at, CancellationToken ct) => Task.FromResult(_firsts.Add((deliveryId, "lead")));
        public Task<bool> HasCountedAsync(long deliveryId, EventKind kind, CancellationToken ct) => Task.FromResult(Events.Any(e => e.Kind == kind && e.Counted));
        public Task<bool> AddOptOutAsync(int memberId, OptOutScope scope, int? accountId, int? senderMemberId, DateTime at, CancellationToken ct) => Task.FromResult(true);

        public Task InsertEventAsync(long deliveryId, DeliveryOfEvent delivery, EventKind kind, DateTime at, bool counted, int? adLinkId, string? detail, CancellationToken ct)
        {
            Events.Add((kind, counted));
            return Task.CompletedTask;
        }

        public Task BumpAsync(int campaignId, DateOnly day, Tally tally, CancellationToken ct)
        {
            Tallies.Add(tally);
            return Task.CompletedTask;
        }

        public Task AppendChangeAsync(DataChange change, DateTime at, CancellationToken ct)
        {
            Changes.Add(change);
            return Task.CompletedTask;
        }
    }
}

/// <summary>The budget arithmetic of one send batch, without a database.</summary>
public class SendBudgetTests
{
    [Theory]
    // price, lifetime, spent, daily, spentToday, candidates → limit, stop after sending all the limit allows
    [InlineData(45, 1_000, 100, null, 0, 100, 20, SponsoredInMail.Core.Deliveries.BatchStop.LifetimeBudget)]
    [InlineData(45, 100_000, 0, 500L, 100, 100, 8, SponsoredInMail.Core.Deliveries.BatchStop.DailyBudget)]
    [InlineData(45, 100_000, 0, null, 0, 100, 100, SponsoredInMail.Core.Deliveries.BatchStop.None)]
    [InlineData(45, 1_000, 990, null, 0, 100, 0, SponsoredInMail.Core.Deliveries.BatchStop.LifetimeBudget)]
    [InlineData(45, 100_000, 0, 500L, 480, 100, 0, SponsoredInMail.Core.Deliveries.BatchStop.DailyBudget)]
    public void ABatchNeverSendsMoreThanBothBudgetsPayFor(long price, long lifetime, long spent, long? daily, long today, int candidates, long limit, SponsoredInMail.Core.Deliveries.BatchStop stop)
    {
        var budget = SponsoredInMail.Core.Deliveries.SendBudget.For(price, lifetime, spent, daily, today, candidates);

        budget.Limit.ShouldBe(limit);
        budget.StopAfter((int)Math.Max(0, limit), candidates).ShouldBe(stop);
        (spent + Math.Max(0, limit) * price).ShouldBeLessThanOrEqualTo(lifetime);
    }

    [Fact]
    public void OnlyAnActiveCampaignInsideItsScheduleSends()
    {
        var now = new DateTime(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);
        SponsoredInMail.Core.Deliveries.SendBudget.IsSending(SponsoredInMail.Core.Campaigns.CampaignStatus.Active, now.AddHours(-1), null, now).ShouldBeTrue();
        SponsoredInMail.Core.Deliveries.SendBudget.IsSending(SponsoredInMail.Core.Campaigns.CampaignStatus.Active, now.AddHours(1), null, now).ShouldBeFalse();
        SponsoredInMail.Core.Deliveries.SendBudget.IsSending(SponsoredInMail.Core.Campaigns.CampaignStatus.Active, now.AddHours(-1), now, now).ShouldBeFalse();
        SponsoredInMail.Core.Deliveries.SendBudget.IsSending(SponsoredInMail.Core.Campaigns.CampaignStatus.Paused, now.AddHours(-1), null, now).ShouldBeFalse();
    }
}
