using SponsoredInMail.Core.Audit;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Audit;

/// <summary>The admin's audit log query: newest first by when it happened, whatever order the rows were written in.</summary>
public class AuditLogQueryTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await _db.SeedAsync(50);
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task NewestFirstSortsByTimeNotByTheOrderRowsWereWritten()
    {
        var admin = await _db.UserIdAsync("admin@sponsoredinmail.example");
        var entity = Guid.NewGuid().ToString("N")[..12];
        var day = TestDatabase.Now.UtcDateTime;
        await using (var db = _db.CreateContext())
        {
            // Written out of time order, as a seeder back-filling history does.
            foreach (var (hoursAgo, action) in new[] { (1, "third"), (48, "first"), (24, "second") })
            {
                db.AuditLog.Add(new AuditEntry { At = day.AddHours(-hoursAgo), ActorUserId = admin, EntityType = "Test", EntityId = entity, Action = action });
            }
            await db.SaveChangesAsync(Ct);
        }

        var page = await _db.Get<AuditLogQuery>().SearchAsync(admin, new AuditFilter(EntityId: entity), 0, 25, Ct);

        page.Items.Select(r => r.Action).ShouldBe(["third", "second", "first"]);
    }

    [Fact]
    public async Task ActionAndActorFiltersMatchWildcardsLiterally()
    {
        var admin = await _db.UserIdAsync("admin@sponsoredinmail.example");
        var entity = Guid.NewGuid().ToString("N")[..12];
        await using (var db = _db.CreateContext())
        {
            foreach (var (actor, action) in new[] { ("system:a_b", "bid 50% up"), ("system:axb", "bid 50 up") })
            {
                db.AuditLog.Add(new AuditEntry { At = TestDatabase.Now.UtcDateTime, ActorUserId = actor, EntityType = "Test", EntityId = entity, Action = action });
            }
            await db.SaveChangesAsync(Ct);
        }
        var query = _db.Get<AuditLogQuery>();

        (await query.SearchAsync(admin, new AuditFilter(EntityId: entity, Action: "50%"), 0, 25, Ct)).Items.Select(r => r.Action).ShouldBe(["bid 50% up"]);
        (await query.SearchAsync(admin, new AuditFilter(EntityId: entity, Actor: "a_b"), 0, 25, Ct)).Items.Select(r => r.Action).ShouldBe(["bid 50% up"]);
    }
}
