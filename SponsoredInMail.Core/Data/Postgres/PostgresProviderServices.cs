using Microsoft.EntityFrameworkCore;
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

    public IBulkWriter CreateBulkWriter(IServiceProvider services) => throw NotYet("bulk writer");
    public IAudienceSource CreateAudienceSource(IServiceProvider services) => throw NotYet("audience source");
    public IDeliveryStore CreateDeliveryStore(IServiceProvider services) => throw NotYet("delivery store");
    public IEngagementStore CreateEngagementStore(IServiceProvider services) => throw NotYet("engagement store");
    public IEngagedMembers CreateEngagedMembers(IServiceProvider services) => throw NotYet("report member sets");

    private static NotSupportedException NotYet(string what) => new($"The PostgreSQL {what} is not built yet (issue 14 is in progress).");
}
