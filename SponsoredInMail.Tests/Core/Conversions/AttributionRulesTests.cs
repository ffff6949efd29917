using SponsoredInMail.Core.Conversions;

namespace SponsoredInMail.Tests.Core.Conversions;

public class AttributionRulesTests
{
    private static readonly DateTime T0 = new(2026, 10, 1, 9, 0, 0, DateTimeKind.Utc);

    private static Touch Click(long delivery, DateTime at, int campaign = 1) => new(delivery, campaign, 10, AttributionTouch.Click, at);

    private static Touch Send(long delivery, DateTime at, int campaign = 1) => new(delivery, campaign, 10, AttributionTouch.Send, at);

    [Fact]
    public void AClickThirtyDaysBeforeIsInsideAThirtyDayWindowAndThirtyOneDaysIsOutside()
    {
        Touch[] touches = [Click(1, T0)];
        AttributionRules.LastTouch(touches, T0.AddDays(30), postClickDays: 30, postSendDays: 7).ShouldBe(touches[0]);
        AttributionRules.LastTouch(touches, T0.AddDays(30).AddMinutes(1), 30, 7).ShouldBeNull();
        AttributionRules.LastTouch(touches, T0.AddDays(31), 30, 7).ShouldBeNull();
    }

    [Fact]
    public void ASendCountsOnlyInsideThePostSendWindow()
    {
        Touch[] touches = [Send(1, T0)];
        AttributionRules.LastTouch(touches, T0.AddDays(7), 30, 7).ShouldBe(touches[0]);
        AttributionRules.LastTouch(touches, T0.AddDays(8), 30, 7).ShouldBeNull();
    }

    [Fact]
    public void AClickBeatsALaterSend()
    {
        var click = Click(1, T0, campaign: 1);
        var send = Send(2, T0.AddDays(2), campaign: 2);
        AttributionRules.LastTouch([send, click], T0.AddDays(3), 30, 7).ShouldBe(click);
    }

    [Fact]
    public void AClickOutsideItsWindowLeavesTheSendInsideItsOwn()
    {
        var click = Click(1, T0, campaign: 1);
        var send = Send(2, T0.AddDays(5), campaign: 2);
        AttributionRules.LastTouch([click, send], T0.AddDays(8), postClickDays: 7, postSendDays: 7).ShouldBe(send);
    }

    [Fact]
    public void TheLatestClickWins()
    {
        var first = Click(1, T0, campaign: 1);
        var latest = Click(2, T0.AddDays(1), campaign: 2);
        AttributionRules.LastTouch([latest, first], T0.AddDays(2), 30, 7).ShouldBe(latest);
    }

    [Fact]
    public void TouchesAfterTheConversionNeverGetCredit()
    {
        AttributionRules.LastTouch([Click(1, T0.AddHours(1)), Send(1, T0.AddMinutes(1))], T0, 30, 7).ShouldBeNull();
    }
}
