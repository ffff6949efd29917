using SponsoredInMail.Core.Campaigns;

namespace SponsoredInMail.Tests.Core.Campaigns;

public class MoneyAndForecastTests
{
    [Theory]
    [InlineData(0, "$0.00")]
    [InlineData(25, "$0.25")]
    [InlineData(125_050, "$1,250.50")]
    [InlineData(-199, "-$1.99")]
    public void MoneyFormatsCents(long cents, string text) => Money.Format(cents).ShouldBe(text);

    [Theory]
    [InlineData(long.MinValue, "-$92,233,720,368,547,758.08")]
    [InlineData(long.MaxValue, "$92,233,720,368,547,758.07")]
    [InlineData(long.MinValue + 1, "-$92,233,720,368,547,758.07")]
    public void MoneyFormatsEveryLongWithoutOverflow(long cents, string text) => Money.Format(cents).ShouldBe(text);

    [Theory]
    [InlineData("1.25", 125)]
    [InlineData("$1,250.50", 125_050)]
    [InlineData("3", 300)]
    [InlineData(" 0.5 ", 50)]
    public void MoneyParsesDollarsIntoCents(string text, long cents)
    {
        Money.TryParse(text, out var parsed).ShouldBeTrue();
        parsed.ShouldBe(cents);
    }

    [Theory]
    [InlineData("1.255")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("1e3")]
    public void MoneyRefusesWhatIsNotAnAmountInCents(string text) => Money.TryParse(text, out _).ShouldBeFalse();

    [Theory]
    [InlineData(0.3, 25, 75)]
    [InlineData(0.5, 25, 75)]
    [InlineData(0.51, 75, 150)]
    [InlineData(0.9, 75, 150)]
    public void SuggestedBidFollowsTheSeniorityMix(double seniorShare, long low, long high)
    {
        var suggestion = BidAdvisor.Suggest(seniorShare, floorCents: 25);

        (suggestion.LowCents, suggestion.HighCents).ShouldBe((low, high));
    }

    [Fact]
    public void TheFloorRaisesTheSuggestion() =>
        BidAdvisor.Suggest(0.1, floorCents: 40).ShouldBe(new BidSuggestion(40, 75, 0.1, BidAdvisor.Suggest(0.1, 40).Reason));

    [Fact]
    public void TheLifetimeBudgetCapsSends()
    {
        var forecast = CampaignForecast.Estimate(deliverable: 10_000, bidCents: 50, lifetimeBudgetCents: 100_000, dailyBudgetCents: null, days: null, CampaignObjective.WebsiteVisits);

        forecast.Sends.ShouldBe(new ForecastRange(2_000, 2_000));
        forecast.SpendCents.ShouldBe(new ForecastRange(100_000, 100_000));
        forecast.Opens.ShouldBe(new ForecastRange(800, 1_100));
        forecast.Clicks.ShouldBe(new ForecastRange(24, 77));
        forecast.Leads.ShouldBe(default);
    }

    [Fact]
    public void TheAudienceAndTheDailyBudgetCapSendsToo()
    {
        var small = CampaignForecast.Estimate(300, 50, 1_000_000, null, null, CampaignObjective.LeadGeneration);
        var daily = CampaignForecast.Estimate(100_000, 100, 10_000_000, dailyBudgetCents: 10_000, days: 7, CampaignObjective.LeadGeneration);

        small.Sends.High.ShouldBe(300);
        daily.Sends.High.ShouldBe(700);
        daily.DaysToSpend.ShouldBe(new ForecastRange(7, 7));
        daily.Leads.ShouldBe(new ForecastRange(70_000 / 20_000, 70_000 / 5_000));
    }

    [Fact]
    public void ALifetimeBudgetSmallerThanOneBidSendsNothing() =>
        CampaignForecast.Estimate(1_000, 100, 99, null, null, CampaignObjective.WebsiteVisits).Sends.High.ShouldBe(0);
}
