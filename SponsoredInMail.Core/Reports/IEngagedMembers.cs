using SponsoredInMail.Core.Engagement;

namespace SponsoredInMail.Core.Reports;

/// <summary>
/// The members with a counted event of one kind on a campaign in a time range — the report's demographic tables
/// tabulate them against the audience index. Provider SQL (a covering index read), so it sits behind this seam.
/// </summary>
public interface IEngagedMembers
{
    Task ForEachAsync(int campaignId, EventKind kind, DateTime from, DateTime to, Action<int> onMember, CancellationToken ct);
}
