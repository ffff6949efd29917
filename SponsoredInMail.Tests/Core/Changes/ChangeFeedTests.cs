using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Changes;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Inbox;
using SponsoredInMail.Core.Members;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Changes;

/// <summary>The change feed against a real database: recorded with the data, in order, retried, resumed, pruned.</summary>
public class ChangeFeedTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await _db.SeedAsync(300);
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    private ChangeFeed Feed(params IChangeSubscriber[] followers) =>
        new(_db.Factory, followers, _db.Get<ChangeSignal>(), Options.Create(new ChangeFeedOptions { BatchSize = 2, RetentionHours = 24 }),
            _db.Clock, NullLogger<ChangeFeed>.Instance);

    private async Task<long> ChangeCountAsync()
    {
        await using var db = _db.CreateContext();
        return await db.Changes.LongCountAsync(Ct);
    }

    [Fact]
    public async Task AWriteRecordsItsChangeInTheSameCommit()
    {
        (await _db.Get<OptOutService>().OptOutOfAllAsync(7, Ct)).Succeeded.ShouldBeTrue();

        var probe = new RecordingFollower("probe");
        (await Feed(probe).CatchUpAsync("probe", Ct)).ShouldBeTrue();

        probe.Of<OptOutChanged>().ShouldBe([new OptOutChanged(7, OptOutScope.All, null, null, Added: true)]);
    }

    [Fact]
    public async Task ARolledBackWriteLeavesNoChange()
    {
        var before = await ChangeCountAsync();
        await using (var db = _db.CreateContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync(Ct);
            db.MemberOptOuts.Add(new MemberOptOut { MemberId = 3, Scope = OptOutScope.All, CreatedAt = _db.Clock.GetUtcNow().UtcDateTime });
            await db.SaveChangesAsync(Ct);
            (await db.Changes.LongCountAsync(Ct)).ShouldBe(before, "the change row is written as the transaction commits, not before");
            await transaction.RollbackAsync(Ct);
        }

        (await ChangeCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task ASaveThatFailsLeavesNoChange()
    {
        var before = await ChangeCountAsync();
        await using (var db = _db.CreateContext())
        {
            db.MemberOptOuts.Add(new MemberOptOut { MemberId = 5, Scope = OptOutScope.All, CreatedAt = _db.Clock.GetUtcNow().UtcDateTime });
            db.MemberOptOuts.Add(new MemberOptOut { MemberId = 999_999, Scope = OptOutScope.All, CreatedAt = _db.Clock.GetUtcNow().UtcDateTime });
            await Should.ThrowAsync<DbUpdateException>(() => db.SaveChangesAsync(Ct));
        }

        (await ChangeCountAsync()).ShouldBe(before);
        await using var check = _db.CreateContext();
        (await check.MemberOptOuts.AnyAsync(o => o.MemberId == 5, Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task FollowersGetEveryChangeInPositionOrder()
    {
        var activity = _db.Get<MemberActivity>();
        foreach (var member in new[] { 11, 12, 13, 14, 15 })
        {
            _db.Clock.Advance(TimeSpan.FromHours(2));
            await activity.RecordAsync(member, Ct);
        }

        var probe = new RecordingFollower("probe");
        await Feed(probe).CatchUpAsync("probe", Ct);

        probe.Of<MemberSeen>().Select(s => s.MemberId).ShouldBe([11, 12, 13, 14, 15]);
        var positions = probe.Received.Select(r => r.Position).ToList();
        positions.ShouldBe(positions.Order().ToList());
        positions.Distinct().Count().ShouldBe(positions.Count);
    }

    [Fact]
    public async Task TheRecorderNamesWhatChanged()
    {
        var head = await Feed().HeadAsync(Ct);
        await using (var db = _db.CreateContext())
        {
            var member = await db.Members.SingleAsync(m => m.Id == 20, Ct);
            member.JobTitle = "Chief Test Officer";
            var other = await db.Members.SingleAsync(m => m.Id == 21, Ct);
            other.LastActiveAt = _db.Clock.GetUtcNow().UtcDateTime;
            db.OrganicMessages.Add(new OrganicMessage { FromMemberId = 23, ToMemberId = 22, Subject = "Hi", Body = "Hello", SentAt = _db.Clock.GetUtcNow().UtcDateTime });
            await db.SaveChangesAsync(Ct);
        }

        var probe = new RecordingFollower("probe", startAt: head);
        await Feed(probe).CatchUpAsync("probe", Ct);

        probe.Of<MemberChanged>().ShouldBe([new MemberChanged(20)]);
        probe.Of<MemberSeen>().Select(s => s.MemberId).ShouldBe([21]);
        probe.Of<InboxMessageAdded>().ShouldBe([new InboxMessageAdded(22)]);
    }

    [Fact]
    public async Task AFailingFollowerIsRetriedWithoutHoldingUpTheOthers()
    {
        var failing = new RecordingFollower("failing", failures: int.MaxValue);
        var healthy = new RecordingFollower("healthy");
        var feed = Feed(failing, healthy);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var running = feed.RunAsync(stop.Token);

        await _db.Get<OptOutService>().OptOutOfAllAsync(31, Ct);
        await Poll.UntilAsync(() => healthy.Of<OptOutChanged>().Count == 1, "the healthy follower gets the change");
        failing.Attempts.ShouldBeGreaterThanOrEqualTo(1);
        failing.Received.ShouldBeEmpty();

        // The failing follower is retried after its back-off and, once it recovers, gets the same change.
        _db.Clock.Advance(TimeSpan.FromMinutes(2));
        (await feed.CatchUpAsync("failing", Ct)).ShouldBeFalse();
        var recovering = new RecordingFollower("recovering", failures: 2);
        var second = Feed(recovering);
        (await second.CatchUpAsync("recovering", Ct)).ShouldBeFalse();
        (await second.CatchUpAsync("recovering", Ct)).ShouldBeFalse();
        (await second.CatchUpAsync("recovering", Ct)).ShouldBeTrue();
        recovering.Of<OptOutChanged>().Select(o => o.MemberId).ShouldBe([31]);

        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task ADurableFollowerResumesFromItsCursorAfterARestart()
    {
        var optOuts = _db.Get<OptOutService>();
        await optOuts.OptOutOfAllAsync(41, Ct);
        var first = new RecordingFollower("webhooks", durable: true);
        await Feed(first).CatchUpAsync("webhooks", Ct);
        first.Received.ShouldBeEmpty("a new durable follower starts at the head");

        await optOuts.OptOutOfAllAsync(42, Ct);
        await Feed(first).CatchUpAsync("webhooks", Ct);
        await optOuts.OptOutOfAllAsync(43, Ct);
        await optOuts.OptOutOfAllAsync(44, Ct);

        // A new process: nothing in memory, the cursor in the database.
        var restarted = new RecordingFollower("webhooks", durable: true);
        await Feed(restarted).CatchUpAsync("webhooks", Ct);

        first.Of<OptOutChanged>().Select(o => o.MemberId).ShouldBe([42]);
        restarted.Of<OptOutChanged>().Select(o => o.MemberId).ShouldBe([43, 44]);
    }

    [Fact]
    public async Task PruningDropsOldDeliveredChangesAndKeepsWhatACursorHasNotRead()
    {
        var optOuts = _db.Get<OptOutService>();
        var durable = new RecordingFollower("slow", durable: true);
        var feed = Feed(durable, new RecordingFollower("local"));
        await feed.CatchUpAsync("slow", Ct);
        await optOuts.OptOutOfAllAsync(51, Ct);
        await feed.CatchUpAsync("slow", Ct);
        await optOuts.OptOutOfAllAsync(52, Ct);
        await feed.CatchUpAsync("local", Ct);
        var before = await ChangeCountAsync();

        (await feed.PruneAsync(Ct)).ShouldBe(0, "nothing is older than the retention yet");
        _db.Clock.Advance(TimeSpan.FromHours(25));
        (await feed.PruneAsync(Ct)).ShouldBe((int)before - 1, "all but the change the durable cursor has not read");

        await feed.CatchUpAsync("slow", Ct);
        durable.Of<OptOutChanged>().Select(o => o.MemberId).ShouldBe([51, 52]);
    }
}
