using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.InMail;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.InMail;

/// <summary>InMail credits against a real SQLite database and a fake clock: allotments, accrual cap, spending, credit back, legacy rule.</summary>
public class InMailCreditTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private string _rep = "";
    private string _admin = "";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private InMailService InMail => _db.Get<InMailService>();
    private CreditJob Job => _db.Get<CreditJob>();

    public async ValueTask InitializeAsync()
    {
        // The fake clock only moves forward: start before the 2015 policy date so every test can walk to its own dates.
        _db = await TestDatabase.CreateAsync(start: new DateTimeOffset(2014, 12, 1, 9, 0, 0, TimeSpan.Zero));
        await _db.SeedAsync(300);
        _rep = await _db.UserIdAsync("rep@sponsoredinmail.example");
        _admin = await _db.UserIdAsync("admin@sponsoredinmail.example");
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    private async Task SeatAsync(SeatTier tier = SeatTier.Basic) =>
        (await InMail.AssignSeatAsync(_admin, _rep, tier, Ct)).Succeeded.ShouldBeTrue();

    private void At(int year, int month, int day, int hour = 10) =>
        _db.Clock.SetUtcNow(new DateTimeOffset(year, month, day, hour, 0, 0, TimeSpan.Zero));

    private Task<SponsoredInMail.Core.Common.Result<long>> SendAsync(int to = 20) => InMail.SendAsync(_rep, to, "Quick intro", "Hello, could we talk?", Ct);

    [Fact]
    public async Task SendingCostsOneCreditAndIsRefusedAtZeroWithAClearMessage()
    {
        At(2026, 3, 2);
        await SeatAsync();
        await Job.RunAsync(Ct);
        (await InMail.BalanceAsync(_rep, Ct)).ShouldBe(8);

        for (var i = 0; i < 8; i++)
        {
            (await SendAsync(20 + i)).Succeeded.ShouldBeTrue();
        }
        var refused = await SendAsync(40);

        refused.Outcome.ErrorFor("credits").ShouldStartWith("You have no InMail credits left.");
        (await InMail.BalanceAsync(_rep, Ct)).ShouldBe(0);
        await using var db = _db.CreateContext();
        (await db.InMails.CountAsync(Ct)).ShouldBe(8);
    }

    [Fact]
    public async Task ASecondInMailToTheSameMemberBeforeTheyRespondCostsAnotherCredit()
    {
        At(2026, 3, 2);
        await SeatAsync();
        await Job.RunAsync(Ct);
        await SendAsync(20);
        await SendAsync(20);

        (await InMail.BalanceAsync(_rep, Ct)).ShouldBe(6);
    }

    [Theory]
    [InlineData(InMailResponse.Reply)]
    [InlineData(InMailResponse.Interested)]
    [InlineData(InMailResponse.NotInterested)]
    public async Task AnyResponseWithinNinetyDaysReturnsTheCreditOnce(InMailResponse response)
    {
        At(2026, 3, 2);
        await SeatAsync();
        await Job.RunAsync(Ct);
        var id = (await SendAsync(20)).Value;
        _db.Clock.Advance(TimeSpan.FromDays(89));

        (await InMail.RespondAsync(20, id, response, "Happy to talk.", Ct)).Succeeded.ShouldBeTrue();
        (await InMail.RespondAsync(20, id, response, "Again", Ct)).Succeeded.ShouldBeFalse();
        await Job.RunAsync(Ct);

        var ledger = await InMail.LedgerAsync(_rep, Ct);
        ledger.Single(e => e.Kind == LedgerKind.Refund).RefundOfInMailId.ShouldBe(id);
        (await InMail.BalanceAsync(_rep, Ct)).ShouldBe(ledger.Sum(e => e.Amount));
        (await InMail.SentAsync(_rep, Ct)).Single().Status.ShouldBe(InMailStatus.CreditedBack);
    }

    [Fact]
    public async Task AResponseAfterNinetyDaysReturnsNothingAndAnUnansweredInMailExpires()
    {
        At(2026, 3, 2);
        await SeatAsync();
        await Job.RunAsync(Ct);
        var late = (await SendAsync(20)).Value;
        var never = (await SendAsync(21)).Value;
        _db.Clock.Advance(TimeSpan.FromDays(91));

        await InMail.RespondAsync(20, late, InMailResponse.Interested, null, Ct);
        await Job.RunAsync(Ct);

        (await InMail.LedgerAsync(_rep, Ct)).ShouldNotContain(e => e.Kind == LedgerKind.Refund);
        var sent = await InMail.SentAsync(_rep, Ct);
        sent.Single(s => s.Id == late).Status.ShouldBe(InMailStatus.Responded);
        sent.Single(s => s.Id == never).Status.ShouldBe(InMailStatus.Expired);
    }

    [Fact]
    public async Task LegacyInMailsAreCreditedBackWhenNotAnsweredWithinSevenDays()
    {
        At(2015, 1, 10);
        await SeatAsync();
        await Job.RunAsync(Ct);
        var unanswered = (await SendAsync(20)).Value;
        var answeredEarly = (await SendAsync(21)).Value;
        var answeredLate = (await SendAsync(22)).Value;
        _db.Clock.Advance(TimeSpan.FromDays(3));
        await InMail.RespondAsync(21, answeredEarly, InMailResponse.Reply, "Sure", Ct);
        _db.Clock.Advance(TimeSpan.FromDays(2));
        (await Job.RunAsync(Ct)).CreditBacks.ShouldBe(0);

        _db.Clock.Advance(TimeSpan.FromDays(3)); // 8 days after sending
        await InMail.RespondAsync(22, answeredLate, InMailResponse.NotInterested, null, Ct);
        await Job.RunAsync(Ct);
        await Job.RunAsync(Ct);

        var refunds = (await InMail.LedgerAsync(_rep, Ct)).Where(e => e.Kind == LedgerKind.Refund).Select(e => e.RefundOfInMailId).ToList();
        refunds.ShouldBe([unanswered, answeredLate], ignoreOrder: true);
    }

    [Fact]
    public async Task TheCurrentPolicyAppliesFromTheEffectiveDate()
    {
        At(2015, 1, 31);
        await SeatAsync();
        await Job.RunAsync(Ct);
        var id = (await SendAsync(20)).Value;
        _db.Clock.Advance(TimeSpan.FromDays(10));

        await Job.RunAsync(Ct);

        (await InMail.LedgerAsync(_rep, Ct)).ShouldNotContain(e => e.RefundOfInMailId == id);
    }

    [Fact]
    public async Task GrantsArriveOnTheFirstAndStopAtTheAccrualCap()
    {
        At(2026, 1, 1, 0);
        await SeatAsync(SeatTier.Basic);
        for (var month = 1; month <= 6; month++)
        {
            At(2026, month, 1, 0);
            await Job.RunAsync(Ct);
            await Job.RunAsync(Ct);
        }

        var grants = (await InMail.LedgerAsync(_rep, Ct)).Where(e => e.Kind == LedgerKind.Grant).OrderBy(e => e.At).ToList();
        grants.Select(g => g.Amount).ShouldBe([8, 8, 8, 0, 0, 0]);
        grants.Select(g => g.GrantMonth).ShouldBe(["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]);
        (await InMail.BalanceAsync(_rep, Ct)).ShouldBe(24);
    }

    [Fact]
    public async Task WhenConfiguredCreditsUnusedForTheWindowExpireOncePerMonth()
    {
        await using var db = await TestDatabase.CreateAsync(settings: new Dictionary<string, string?> { ["InMail:ExpireAfterMonths"] = "2" },
            start: new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await db.SeedAsync(300);
        var rep = await db.UserIdAsync("rep@sponsoredinmail.example");
        var admin = await db.UserIdAsync("admin@sponsoredinmail.example");
        var inMail = db.Get<InMailService>();
        await inMail.AssignSeatAsync(admin, rep, SeatTier.Basic, Ct);
        var job = db.Get<CreditJob>();
        await job.RunAsync(Ct);                                       // Jan: +8
        db.Clock.SetUtcNow(new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero));
        await inMail.SendAsync(rep, 20, "Hi", "Hello", Ct);           // 7
        db.Clock.SetUtcNow(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero));
        await job.RunAsync(Ct);                                       // Feb: +8 → 15
        db.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        await job.RunAsync(Ct);                                       // Mar: +8 → 23; Jan's 7 unused are older than 2 months
        await job.RunAsync(Ct);

        var ledger = await inMail.LedgerAsync(rep, Ct);
        ledger.Where(e => e.Kind == LedgerKind.Expiry).Select(e => e.Amount).ShouldBe([-7]);
        (await inMail.BalanceAsync(rep, Ct)).ShouldBe(16);
    }

    [Fact]
    public async Task AYearOfActivityLeavesExactlyTheExpectedLedger()
    {
        At(2026, 1, 1, 0);
        await SeatAsync(SeatTier.Professional);
        var expected = 0;
        var random = new Random(12);
        for (var month = 1; month <= 12; month++)
        {
            At(2026, month, 1, 0);
            await Job.RunAsync(Ct);
            expected += Math.Max(0, Math.Min(15, 45 - expected));
            for (var i = 0; i < 12; i++)
            {
                At(2026, month, 2 + i, 9);
                var sent = await SendAsync(20 + random.Next(200));
                if (sent.Succeeded)
                {
                    expected -= 1;
                    if (random.Next(3) == 0)
                    {
                        var to = (await InMail.SentAsync(_rep, Ct)).First(s => s.Id == sent.Value).ToMemberId;
                        await InMail.RespondAsync(to, sent.Value, InMailResponse.Interested, null, Ct);
                        expected += 1;
                    }
                }
                else
                {
                    expected.ShouldBe(0);
                }
            }
            (await InMail.BalanceAsync(_rep, Ct)).ShouldBe(expected, $"after month {month}");
        }
        var ledger = await InMail.LedgerAsync(_rep, Ct);
        ledger.Sum(e => e.Amount).ShouldBe(expected);
        ledger.Count(e => e.Kind == LedgerKind.Grant).ShouldBe(12);
        ledger.Count(e => e.Kind == LedgerKind.Refund).ShouldBe(ledger.Count(e => e.Kind == LedgerKind.Spend && e.InMailId is { } id
            && ledger.Any(r => r.RefundOfInMailId == id)));
    }

    [Fact]
    public async Task TwoConcurrentSendsWithOneCreditLeftExactlyOneSucceeds()
    {
        At(2026, 3, 2);
        await SeatAsync();
        await Job.RunAsync(Ct);
        for (var i = 0; i < 7; i++)
        {
            await SendAsync(20 + i);
        }

        var results = await Task.WhenAll(Task.Run(() => SendAsync(50), Ct), Task.Run(() => SendAsync(51), Ct));

        results.Count(r => r.Succeeded).ShouldBe(1);
        (await InMail.BalanceAsync(_rep, Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task AResponseRacingTheJobIsRefundedOnce()
    {
        At(2026, 3, 2);
        await SeatAsync();
        await Job.RunAsync(Ct);
        var ids = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add((await SendAsync(20 + i)).Value);
        }

        await Task.WhenAll(ids.Select((id, i) => (Task)Task.Run(() => InMail.RespondAsync(20 + i, id, InMailResponse.Reply, "Yes", Ct), Ct))
            .Concat(Enumerable.Range(0, 4).Select(_ => (Task)Task.Run(() => Job.RunAsync(Ct), Ct))));
        await Job.RunAsync(Ct);

        var refunds = (await InMail.LedgerAsync(_rep, Ct)).Where(e => e.Kind == LedgerKind.Refund).ToList();
        refunds.Select(r => r.RefundOfInMailId).ShouldBe(ids.Cast<long?>(), ignoreOrder: true);
        (await InMail.BalanceAsync(_rep, Ct)).ShouldBe(8);
    }

    [Fact]
    public async Task ARepSeesOnlyTheirOwnInMailsAndAMemberOnlyThoseSentToThem()
    {
        At(2026, 3, 2);
        await SeatAsync();
        await Job.RunAsync(Ct);
        var id = (await SendAsync(20)).Value;
        var maria = await _db.UserIdAsync("maria@contoso.example");

        (await InMail.SentAsync(maria, Ct)).ShouldBeEmpty();
        (await InMail.ReceivedAsync(21, Ct)).ShouldBeEmpty();
        (await InMail.ReceivedAsync(20, Ct)).Single().Id.ShouldBe(id);
        (await InMail.RespondAsync(21, id, InMailResponse.Reply, "Not mine", Ct)).ErrorFor("inMail").ShouldBe("InMail not found.");
        (await InMail.SendAsync(maria, 20, "Hi", "Hello", Ct)).Outcome.ErrorFor("seat").ShouldNotBeNull();
    }

    [Fact]
    public async Task BadInputIsRefusedByFieldAndCostsNothing()
    {
        At(2026, 3, 2);
        await SeatAsync();
        await Job.RunAsync(Ct);

        var result = await InMail.SendAsync(_rep, 20, new string('s', 201), "", Ct);

        result.Outcome.ErrorFor("subject").ShouldNotBeNull();
        result.Outcome.ErrorFor("body").ShouldNotBeNull();
        (await InMail.BalanceAsync(_rep, Ct)).ShouldBe(8);
    }
}
