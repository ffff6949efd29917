using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace SponsoredInMail.Core.Data;

/// <summary>Creates the database file and folder, turns on WAL and applies pending migrations.</summary>
public sealed class DatabaseInitializer(IDbContextFactory<AppDbContext> factory)
{
    public async Task MigrateAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        EnsureDirectoryExists(db.Database.GetConnectionString());
        await db.Database.MigrateAsync(ct);
        // WAL lets readers (pages, reports) go on while a send run writes; the setting sticks to the file.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;", ct);
    }

    /// <summary>Deletes the database (and its WAL files) so that it can be created and seeded anew.</summary>
    public async Task DeleteAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        SqliteConnection.ClearAllPools();
        await db.Database.EnsureDeletedAsync(ct);
        var source = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
        foreach (var leftover in new[] { source + "-wal", source + "-shm" })
        {
            if (File.Exists(leftover))
            {
                File.Delete(leftover);
            }
        }
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

    private static void EnsureDirectoryExists(string? connectionString)
    {
        var source = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var directory = Path.GetDirectoryName(source);
        if (!string.IsNullOrEmpty(directory) && source != ":memory:")
        {
            Directory.CreateDirectory(directory);
        }
    }
}
