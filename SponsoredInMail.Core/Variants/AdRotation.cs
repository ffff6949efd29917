namespace SponsoredInMail.Core.Variants;

/// <summary>How a campaign with several ads shares its sends between them.</summary>
public enum AdRotation
{
    /// <summary>Each member gets one of the ads uniformly at random, reproducibly (hash of campaign and member).</summary>
    Even = 1,

    /// <summary>Starts even, then sends more to the best performer (Thompson sampling), never under a floor per ad.</summary>
    Optimize = 2,
}

/// <summary>The one metric an A/B test of two ads compares.</summary>
public enum AbTestMetric
{
    /// <summary>Unique opens ÷ sends.</summary>
    OpenRate = 1,

    /// <summary>Unique clickers ÷ unique opens.</summary>
    ClickToOpenRate = 2,

    /// <summary>Leads ÷ sends.</summary>
    LeadRate = 3,
}

/// <summary>What one ad of a campaign has done so far: the inputs of rotation and of the A/B verdict.</summary>
/// <param name="AdId">The ad's id.</param>
/// <param name="Sends">Messages sent with it.</param>
/// <param name="Opens">Members who opened it (unique).</param>
/// <param name="Clicks">Members who clicked it (unique).</param>
/// <param name="Leads">Leads it brought.</param>
public readonly record struct AdOutcomes(int AdId, long Sends, long Opens, long Clicks, long Leads);
