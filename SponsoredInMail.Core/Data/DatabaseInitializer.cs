using Microsoft.EntityFrameworkCore;

namespace SponsoredInMail.Core.Data;

/// <summary>Prepares the configured database (a folder for a file, the journal mode) and applies pending migrations.</summary>
public sealed class DatabaseInitializer(IDbContextFactory<AppDbContext> factory, IDatabaseProviderServices provider)
{
    public async Task MigrateAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await provider.BeforeMigrateAsync(db.Database.GetConnectionString()!, ct);
        await db.Database.MigrateAsync(ct);
        await provider.AfterMigrateAsync(db, ct);
    }

    /// <summary>Deletes the database so that it can be created and seeded anew.</summary>
    public async Task DeleteAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await provider.DeleteAsync(db, ct);
    }

    public async Task<bool> IsSeededAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Members.AnyAsync(ct);
    }

    public async Task<bool> CanConnectAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Database.CanConnectAsync(ct);
    }
}
