using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Deliveries;
using SponsoredInMail.Core.Engagement;
using SponsoredInMail.Core.Reports;

namespace SponsoredInMail.Core.Data.Postgres;

/// <summary>PostgreSQL 15+: migrations in the <c>SponsoredInMail.Migrations.Postgres</c> assembly.</summary>
internal sealed class PostgresProviderServices : IDatabaseProviderServices
{
    public const string MigrationsAssembly = "SponsoredInMail.Migrations.Postgres";

    public DatabaseProvider Provider => DatabaseProvider.Postgres;

    public void Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(MigrationsAssembly));

    public Task BeforeMigrateAsync(string connectionString, CancellationToken ct) => Task.CompletedTask;

    public Task AfterMigrateAsync(AppDbContext db, CancellationToken ct) => Task.CompletedTask;

    public Task DeleteAsync(AppDbContext db, CancellationToken ct) => db.Database.EnsureDeletedAsync(ct);

    public IBulkWriter CreateBulkWriter(IServiceProvider services) => new PostgresBulkWriter(services.GetRequiredService<DatabaseConnection>().ConnectionString);
    public IAudienceSource CreateAudienceSource(IServiceProvider services) => ActivatorUtilities.CreateInstance<PostgresAudienceSource>(services);
    public IDeliveryStore CreateDeliveryStore(IServiceProvider services) => ActivatorUtilities.CreateInstance<PostgresDeliveryStore>(services);
    public IEngagementStore CreateEngagementStore(IServiceProvider services) => ActivatorUtilities.CreateInstance<PostgresEngagementStore>(services);
    public IEngagedMembers CreateEngagedMembers(IServiceProvider services) => ActivatorUtilities.CreateInstance<PostgresEngagedMembers>(services);

    public Task<Sqlite.InvariantReport> CheckDeliveryInvariantsAsync(string connectionString, int anyCapDays, int sameCapDays, int activeWithinDays, CancellationToken ct = default) =>
        PostgresDeliveryInvariantCheck.RunAsync(connectionString, anyCapDays, sameCapDays, activeWithinDays, ct);

    public Task<long> TallyMismatchesAsync(string connectionString, CancellationToken ct = default) => PostgresEngagementTallyCheck.MismatchesAsync(connectionString, ct);
}
