using System.Globalization;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Conversions;

namespace SponsoredInMail.Web.Components.Pages.Conversions;

/// <summary>How conversions read on screen: windows, sources, touches, values, and the snippets a site pastes.</summary>
public static class ConversionDisplay
{
    /// <summary>"30-day click · 7-day send".</summary>
    public static string Windows(int postClickDays, int postSendDays) => $"{postClickDays}-day click · {postSendDays}-day send";

    public static string Value(long? cents) => cents is { } value ? Money.Format(value) : "Sent with each event";

    public static string Source(ConversionSource source) => source switch
    {
        ConversionSource.Pixel => "Pixel",
        ConversionSource.Api => "Conversions API",
        _ => "Tag",
    };

    public static string Touch(AttributionTouch touch) => touch switch
    {
        AttributionTouch.Click => "Post-click",
        AttributionTouch.Send => "Post-send",
        _ => "—",
    };

    public static string Utc(DateTime at) => at.ToString("d MMM yyyy HH:mm", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>The site's origin without a trailing slash ("https://sim.example"), from the app's base URI.</summary>
    public static string Origin(string baseUri) => baseUri.TrimEnd('/');

    /// <summary>The loader that goes on every page of the advertiser's site: it queues calls until the tag has loaded.</summary>
    public static string LoaderSnippet(string origin) =>
        "<script>window.simTag=window.simTag||function(){(simTag.q=simTag.q||[]).push(arguments)};</script>\n" +
        $"<script async src=\"{origin}/c/tag.js\"></script>";

    /// <summary>The call on the page where the conversion happens; the value only when the definition has none of its own.</summary>
    public static string EventSnippet(ConversionDefinitionView definition) =>
        definition.ValueCents is null
            ? $"<script>simTag('convert', '{definition.TagKey}', {{ valueCents: 4900, eventId: 'ORDER-123' }});</script>"
            : $"<script>simTag('convert', '{definition.TagKey}', {{ eventId: 'ORDER-123' }});</script>";

    /// <summary>The image fallback for pages without JavaScript; CLICK_ID is the landing URL's simclid parameter.</summary>
    public static string PixelSnippet(string origin, ConversionDefinitionView definition) =>
        $"<img src=\"{origin}/c/px?c={definition.TagKey}&clid=CLICK_ID\" width=\"1\" height=\"1\" alt=\"\">";
}
