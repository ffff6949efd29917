using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Audiences;

namespace SponsoredInMail.Tests.Fakes;

/// <summary>A seeded network with its audience index built, for tests that only read.</summary>
public sealed class SeededIndex : IAsyncLifetime
{
    public const int Members = 2_000;

    public TestDatabase Database { get; private set; } = default!;
    public AudienceIndex Index { get; private set; } = default!;

    /// <summary>Contoso Cloud: Maria manages it.</summary>
    public int AccountId { get; private set; }

    public async ValueTask InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        await Database.SeedAsync(Members);
        Index = Database.Get<AudienceIndex>();
        await Index.RebuildAsync(Database.Get<IAudienceSource>());
        await using var db = Database.CreateContext();
        AccountId = await db.AdvertiserAccounts.Where(a => a.Name == "Contoso Cloud").Select(a => a.Id).SingleAsync();
    }

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}
