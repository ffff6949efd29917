namespace SponsoredInMail.Web.Components.Pages.Admin;

/// <summary>
/// The ads an admin marks "Reject this ad" on the review page, each with the reason typed so far; Approve hands them to
/// <see cref="SponsoredInMail.Core.Campaigns.ReviewService.ApproveAsync(string, int, IReadOnlyDictionary{int, string}, CancellationToken)"/>,
/// which checks them (a reason each, not every ad, not an A/B test's).
/// </summary>
public sealed class AdRejections
{
    private readonly Dictionary<int, string> _reasons = [];

    public int Count => _reasons.Count;

    public bool IsRejected(int adId) => _reasons.ContainsKey(adId);

    public string Reason(int adId) => _reasons.GetValueOrDefault(adId) ?? "";

    /// <summary>Marks or unmarks an ad; unmarking forgets its reason.</summary>
    public void Set(int adId, bool rejected)
    {
        if (rejected)
        {
            _reasons.TryAdd(adId, "");
        }
        else
        {
            _reasons.Remove(adId);
        }
    }

    public void SetReason(int adId, string? reason)
    {
        if (_reasons.ContainsKey(adId))
        {
            _reasons[adId] = reason ?? "";
        }
    }

    /// <summary>Ad id → reason, as Core takes them.</summary>
    public IReadOnlyDictionary<int, string> ToDictionary() => new Dictionary<int, string>(_reasons);
}
