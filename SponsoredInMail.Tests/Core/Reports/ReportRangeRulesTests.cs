using SponsoredInMail.Core.Reports;

namespace SponsoredInMail.Tests.Core.Reports;

/// <summary>The one check of a report's date range: format, window (2000-01-01 to a year ahead), order, span.</summary>
public class ReportRangeRulesTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);

    [Theory]
    [InlineData(null, null)]
    [InlineData("2026-11-01", "2026-11-23")]
    [InlineData("2000-01-01", null)]
    [InlineData(null, "2027-11-23")]
    [InlineData("2025-11-23", "2026-11-23")]
    [InlineData("2026-11-23", "2026-11-23")]
    public void RangesWithinTheRulesPass(string? from, string? to) =>
        ReportRangeRules.Parse(from, to, Today).Succeeded.ShouldBeTrue();

    [Theory]
    [InlineData("0001-01-01", "9999-12-31", "from")]
    [InlineData("9999-12-31", "9999-12-31", "from")]
    [InlineData(null, "0001-01-01", "to")]
    [InlineData("1999-12-31", null, "from")]
    [InlineData(null, "2027-11-24", "to")]
    [InlineData("abc", null, "from")]
    [InlineData(null, "11/07/2026", "to")]
    [InlineData("2026-11-10", "2026-11-01", "to")]
    [InlineData("2025-11-22", "2026-11-23", "to")]
    public void RangesOutsideTheRulesAreRefusedNamingTheField(string? from, string? to, string field) =>
        ReportRangeRules.Parse(from, to, Today).Outcome.ErrorFor(field).ShouldNotBeNull();

    [Fact]
    public void TheMessagesSayWhatIsAllowed()
    {
        ReportRangeRules.Parse("0001-01-01", null, Today).Outcome.ErrorFor("from").ShouldBe("from must be a day from 2000-01-01 to 2027-11-23; it is 0001-01-01.");
        ReportRangeRules.Parse("2026-11-10", "2026-11-01", Today).Outcome.ErrorFor("to").ShouldBe("to (2026-11-01) must not be before from (2026-11-10).");
        ReportRangeRules.Parse("2025-01-01", "2026-11-23", Today).Outcome.ErrorFor("to").ShouldBe("A report covers at most 366 days; 2025-01-01 to 2026-11-23 is 692.");
    }

    [Fact]
    public void TheReportServiceGuardRefusesARangeNoBoundaryShouldPass() =>
        Should.Throw<ArgumentOutOfRangeException>(() => ReportRangeRules.Guard(new ReportRange(new DateOnly(9999, 12, 31), DateOnly.MaxValue), Today));
}
