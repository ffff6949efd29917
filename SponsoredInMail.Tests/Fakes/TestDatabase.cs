using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Seeding;

namespace SponsoredInMail.Tests.Fakes;

/// <summary>
/// A real, migrated database (an SQLite temp file, or a PostgreSQL database: see <see cref="TestDatabaseServer"/>) with
/// the Core services around it and a fake clock. Each instance is its own database: no test sees another test's data.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private TestDatabase(DatabaseConnection connection, ServiceProvider services, FakeTimeProvider clock)
    {
        Connection = connection;
        Services = services;
        Clock = clock;
    }

    public DatabaseConnection Connection { get; }

    /// <summary>The SQLite file (for tests that read the file or hand it to a child process).</summary>
    public string FilePath => Connection.Provider == DatabaseProvider.Sqlite
        ? new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(Connection.ConnectionString).DataSource
        : throw new InvalidOperationException("This test reads an SQLite file; on PostgreSQL it is skipped (TestDatabaseServer.SkipOnPostgres).");
    public ServiceProvider Services { get; }
    public FakeTimeProvider Clock { get; }
    public IDbContextFactory<AppDbContext> Factory => Services.GetRequiredService<IDbContextFactory<AppDbContext>>();

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <param name="provider">Overrides the configured provider (see <see cref="CreatePostgresAsync"/>).</param>
    public static async Task<TestDatabase> CreateAsync(
        int randomSeed = 4242, IReadOnlyDictionary<string, string?>? settings = null, DateTimeOffset? start = null, DatabaseProvider? provider = null)
    {
        var connection = await TestDatabaseServer.NewDatabaseAsync("sim-test", provider: provider);
        var clock = new FakeTimeProvider(start ?? Now);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Seed:RandomSeed"] = randomSeed.ToString(), ["Seed:DemoCampaigns"] = "false", ["Delivery:RunInBackground"] = "false" })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(clock)
            .AddSponsoredInMailData(_ => connection)
            .AddSponsoredInMailCore(configuration);
        services.AddSponsoredInMailIdentity();
        var built = services.BuildServiceProvider();
        await built.GetRequiredService<DatabaseInitializer>().MigrateAsync();
        return new TestDatabase(connection, built, clock);
    }

    /// <summary>
    /// A PostgreSQL database whichever provider the suite runs on, for the tests of PostgreSQL code itself; the test is
    /// skipped when no server is configured (POSTGRES_CONNECTION).
    /// </summary>
    public static Task<TestDatabase> CreatePostgresAsync(int randomSeed = 4242)
    {
        TestDatabaseServer.SkipWithoutPostgres();
        return CreateAsync(randomSeed, provider: DatabaseProvider.Postgres);
    }

    public async Task SeedAsync(int members, IProgress<SeedProgress>? progress = null)
    {
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<NetworkSeeder>().SeedAsync(members, progress);
    }

    /// <summary>One number from plain SQL (quote identifiers: <c>"Deliveries"</c>); see <see cref="TestDatabaseServer.ScalarAsync"/>.</summary>
    public Task<long> ScalarAsync(string sql) => TestDatabaseServer.ScalarAsync(Connection, sql, TestContext.Current.CancellationToken);

    public AppDbContext CreateContext() => Factory.CreateDbContext();

    /// <summary>Hands the audience index every committed change, as its feed follower does in the app.</summary>
    public Task CatchUpIndexAsync() =>
        Get<SponsoredInMail.Core.Changes.ChangeFeed>().CatchUpAudienceIndexAsync(Get<SponsoredInMail.Core.Audiences.AudienceIndex>());

    /// <summary>The user id of a demo login.</summary>
    public async Task<string> UserIdAsync(string email)
    {
        await using var db = CreateContext();
        return await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
    }

    /// <summary>The demo logins and accounts most account tests use: Maria manages Contoso and views Northwind; Ben manages Northwind only.</summary>
    public async Task<(string Maria, string Ben, int Contoso, int Northwind)> DemoCastAsync() =>
        (await UserIdAsync("maria@contoso.example"), await UserIdAsync("ben@northwind.example"),
            await AccountIdAsync("Contoso Cloud"), await AccountIdAsync("Northwind Analytics"));

    /// <summary>The id of a demo advertiser account.</summary>
    public async Task<int> AccountIdAsync(string name)
    {
        await using var db = CreateContext();
        return await db.AdvertiserAccounts.Where(a => a.Name == name).Select(a => a.Id).SingleAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await TestDatabaseServer.DropAsync(Connection);
    }
}

/// <summary>One seeded network shared by the read-only tests of a class.</summary>
public sealed class SeededDatabase : IAsyncLifetime
{
    public const int Members = 3_000;

    public TestDatabase Database { get; private set; } = default!;

    private readonly CancellationTokenSource _stop = new();
    private Task _feed = Task.CompletedTask;

    public async ValueTask InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        await Database.SeedAsync(Members);
        await Database.Get<SponsoredInMail.Core.Audiences.AudienceIndex>().RebuildAsync(Database.Get<SponsoredInMail.Core.Audiences.IAudienceSource>());
        // The change feed's dispatcher runs as in the app, so live pages follow what the tests commit.
        _feed = Database.Get<SponsoredInMail.Core.Changes.ChangeFeed>().RunAsync(_stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _feed;
        await Database.DisposeAsync();
    }
}
