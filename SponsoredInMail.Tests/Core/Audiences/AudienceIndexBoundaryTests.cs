using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Tests.Core.Audiences;

/// <summary>The index and the database rules agree to the second at every cutoff: activity and both caps.</summary>
public class AudienceIndexBoundaryTests
{
    // 30 seconds into a minute: a cutoff computed from an unrounded "now" would fall inside a minute.
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 20, 14, 30, TimeSpan.Zero);
    private static readonly Targeting Everyone = new([new FacetCriterion(Facet.Location, ["US"])], []);
    private const int Account = 7;

    private readonly FakeTimeProvider _clock = new(Now);
    private readonly AudienceIndex _index;
    private readonly ActivityPolicy _activity = new(Options.Create(new ActivityOptions()));

    public AudienceIndexBoundaryTests()
    {
        _index = new AudienceIndex(Options.Create(new AudienceOptions()), Options.Create(new ActivityOptions()), _clock);
        _index.OnCompanyUpserted(new Company { Id = 1, Name = "Acme", Domain = "acme.example", Industry = "Retail", CountryCode = "US", Size = CompanySize.From11To50 });
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(-1, false)]
    [InlineData(29, true)]
    public void ActivityAtTheCutoffMatchesTheActivityPolicy(int secondsAfterCutoff, bool active)
    {
        var lastActive = _activity.ActiveSince(_clock).AddSeconds(secondsAfterCutoff);
        AddMember(lastActive);

        var breakdown = _index.Count(Everyone, Account);

        (breakdown.Deliverable == 1).ShouldBe(active);
        (lastActive >= _activity.ActiveSince(_clock)).ShouldBe(active);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(-1, false)]
    [InlineData(45, true)]
    public void TheAnyAdvertiserCapEndsExactlyWhereTheRuleSays(int secondsAfterCutoff, bool capped)
    {
        AddMember(Now.UtcDateTime);
        var sentAt = TimeRules.CappedSince(Now.UtcDateTime, 30).AddSeconds(secondsAfterCutoff);

        _index.OnSponsoredDelivery(new DeliveryFact(1, Account + 1, sentAt));

        (_index.Count(Everyone, Account).FrequencyCapped == 1).ShouldBe(capped);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(-1, false)]
    public void TheSameAdvertiserCapEndsExactlyWhereTheRuleSays(int secondsAfterCutoff, bool capped)
    {
        AddMember(Now.UtcDateTime);
        var sentAt = TimeRules.CappedSince(Now.UtcDateTime, 60).AddSeconds(secondsAfterCutoff);

        _index.OnSponsoredDelivery(new DeliveryFact(1, Account, sentAt));

        (_index.Count(Everyone, Account).FrequencyCapped == 1).ShouldBe(capped);
        _index.Count(Everyone, Account + 1).FrequencyCapped.ShouldBe(0, "60 days ago is outside the 30-day any-advertiser cap");
    }

    [Fact]
    public void ACapExpiresAsTimePasses()
    {
        AddMember(Now.UtcDateTime);
        _index.OnSponsoredDelivery(new DeliveryFact(1, Account + 1, Now.UtcDateTime.AddDays(-29)));
        _index.Count(Everyone, Account).FrequencyCapped.ShouldBe(1);

        _clock.Advance(TimeSpan.FromDays(1).Add(TimeSpan.FromMinutes(1)));
        _index.OnMemberActive(1, _clock.GetUtcNow().UtcDateTime);

        _index.Count(Everyone, Account).FrequencyCapped.ShouldBe(0);
    }

    [Fact]
    public void OptOutsAndTheirUndoAreCountedAtOnce()
    {
        AddMember(Now.UtcDateTime);

        _index.OnOptOutChanged(1, OptOutScope.Advertiser, Account, null, added: true);
        var optedOut = _index.Count(Everyone, Account);
        var otherAdvertiser = _index.Count(Everyone, Account + 1);
        _index.OnOptOutChanged(1, OptOutScope.Advertiser, Account, null, added: false);

        optedOut.OptedOut.ShouldBe(1);
        otherAdvertiser.OptedOut.ShouldBe(0);
        _index.Count(Everyone, Account).Deliverable.ShouldBe(1);
    }

    private void AddMember(DateTime lastActive) =>
        _index.OnMemberUpserted(new MemberFacts(1, "US", "California", "Retail", 1, "Buyer", "Purchasing", Seniority.Entry, [0], 3, "en", lastActive));
}
