using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Migrations.Postgres;

/// <summary>
/// Lets <c>dotnet ef migrations add NAME --project SponsoredInMail.Migrations.Postgres --startup-project
/// SponsoredInMail.Migrations.Postgres</c> build the model for PostgreSQL without a server.
/// </summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext(string[] args)
    {
        var services = new ServiceCollection()
            .AddSponsoredInMailData(_ => new DatabaseConnection("Host=localhost;Database=design_time", DatabaseProvider.Postgres))
            .BuildServiceProvider();
        return services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();
    }
}
