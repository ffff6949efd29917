using System.Text.RegularExpressions;

namespace SponsoredInMail.Tests.Core.Changes;

/// <summary>The audience index changes only through its change-feed follower: no other production code calls a hook.</summary>
public partial class ChangeSeamTests
{
    [GeneratedRegex(@"\.On(MemberUpserted|CompanyUpserted|MemberActive|OptOutChanged|SponsoredDelivery|SponsoredDeliveries|MatchedAudienceSaved|MatchedAudienceDeleted|CampaignLaunched|Engaged)\s*\(")]
    private static partial Regex HookCall();

    [Fact]
    public void NoProductionCodeOutsideTheFollowerCallsAnIndexHook()
    {
        var root = RepositoryRoot();
        var callers = new[] { "SponsoredInMail.Core", "SponsoredInMail.Web" }
            .SelectMany(project => Directory.EnumerateFiles(Path.Combine(root, project), "*.*", SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => !Path.GetFileName(f).StartsWith("AudienceIndex", StringComparison.Ordinal))
            .Where(f => HookCall().IsMatch(File.ReadAllText(f)))
            .Select(f => Path.GetRelativePath(root, f))
            .ToList();

        callers.ShouldBeEmpty("only Audiences/AudienceIndexFollower.cs may call the index's On… hooks");
    }

    [Fact]
    public void NoPageRefreshesOnATimer()
    {
        var pages = Path.Combine(RepositoryRoot(), "SponsoredInMail.Web", "Components");
        var timed = Directory.EnumerateFiles(pages, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f) is var text && (text.Contains("PeriodicTimer", StringComparison.Ordinal)
                || text.Contains("new Timer(", StringComparison.Ordinal) || text.Contains("System.Threading.Timer", StringComparison.Ordinal)))
            .Select(f => Path.GetRelativePath(pages, f))
            .ToList();

        timed.ShouldBeEmpty("live pages follow the change feed (LiveRefresh), they do not poll");
    }

    /// <summary>The repository root, found from the test assembly's folder (…/SponsoredInMail.Tests/bin/{Configuration}/net10.0/).</summary>
    internal static string RepositoryRoot()
    {
        var here = AppContext.BaseDirectory;
        var root = Path.GetFullPath(Path.Combine(here, "..", "..", "..", ".."));
        Directory.Exists(Path.Combine(root, "SponsoredInMail.Core")).ShouldBeTrue($"the repository root was expected at {root}");
        return root;
    }
}
