namespace SponsoredInMail.Core.Conversions;

/// <summary>One way a member met a campaign of the account: a send, or a click on it.</summary>
public sealed record Touch(long DeliveryId, int CampaignId, int AdId, AttributionTouch Kind, DateTime At);

/// <summary>
/// Last-touch attribution (LinkedIn's model): among the member's touches by the account's campaigns before the
/// conversion, a click within the post-click window beats any send; the latest click wins, else the latest send within
/// the post-send window; else the conversion is unattributed. A window of N days includes a conversion exactly N days
/// after the touch and excludes anything later.
/// </summary>
public static class AttributionRules
{
    public static Touch? LastTouch(IEnumerable<Touch> touches, DateTime conversionAt, int postClickDays, int postSendDays)
    {
        Touch? click = null, send = null;
        foreach (var touch in touches)
        {
            if (touch.At > conversionAt)
            {
                continue;
            }
            var age = conversionAt - touch.At;
            if (touch.Kind == AttributionTouch.Click && age <= TimeSpan.FromDays(postClickDays) && Later(touch, click))
            {
                click = touch;
            }
            else if (touch.Kind == AttributionTouch.Send && age <= TimeSpan.FromDays(postSendDays) && Later(touch, send))
            {
                send = touch;
            }
        }
        return click ?? send;
    }

    private static bool Later(Touch touch, Touch? than) =>
        than is null || touch.At > than.At || (touch.At == than.At && touch.DeliveryId > than.DeliveryId);
}
