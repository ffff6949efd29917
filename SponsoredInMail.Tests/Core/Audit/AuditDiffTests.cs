using SponsoredInMail.Core.Audit;

namespace SponsoredInMail.Tests.Core.Audit;

/// <summary>How an audit entry's before and after read on the audit page: one readable line per changed field.</summary>
public class AuditDiffTests
{
    [Fact]
    public void ChangedSnapshotFieldsReadAsMoneyDatesAndWordsAndUnchangedOnesAreLeftOut()
    {
        var before = """{"name":"Spring","objective":2,"bidCents":45,"lifetimeBudgetCents":50000,"dailyBudgetCents":null,"startAt":"2026-03-01T09:30:00Z","adId":7}""";
        var after = """{"name":"Spring","objective":1,"bidCents":50,"lifetimeBudgetCents":50000,"dailyBudgetCents":5000,"startAt":"2026-03-02T09:30:00Z","adId":8}""";

        var changes = AuditDiff.Between(before, after);

        changes.ShouldBe([
            new AuditChange("Objective", "Lead generation", "Website visits"),
            new AuditChange("Bid", "$0.45", "$0.50"),
            new AuditChange("Daily budget", "none", "$50.00"),
            new AuditChange("Start", "1 Mar 2026 09:30 UTC", "2 Mar 2026 09:30 UTC"),
            new AuditChange("Ad", "#7", "#8"),
        ]);
    }

    [Fact]
    public void ACreationListsEveryFieldWithoutABefore()
    {
        var changes = AuditDiff.Between(null, """{"name":"Spring","objective":"LeadGeneration","bidCents":60}""");

        changes.ShouldBe([new AuditChange("Name", null, "Spring"), new AuditChange("Objective", null, "Lead generation"), new AuditChange("Bid", null, "$0.60")]);
    }

    [Fact]
    public void PlainValuesStayOneLineAsTheyAre()
    {
        AuditDiff.Between("Draft", "InReview").ShouldBe([new AuditChange(null, "Draft", "InReview")]);
        AuditDiff.Between(null, null).ShouldBeEmpty();
    }

    [Fact]
    public void ChangedFieldsKeepsOnlyTheFieldsThatDifferAndNothingWhenNoneDoes()
    {
        var before = """{"name":"Spring","bidCents":45,"endAt":null}""";

        AuditDiff.ChangedFields(before, before).ShouldBeNull();
        var changed = AuditDiff.ChangedFields(before, """{"name":"Spring","bidCents":50,"endAt":null}""");

        changed.ShouldNotBeNull();
        changed.Value.Before.ShouldBe("""{"bidCents":45}""");
        changed.Value.After.ShouldBe("""{"bidCents":50}""");
    }
}
