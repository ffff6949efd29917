using Microsoft.EntityFrameworkCore;

namespace SponsoredInMail.Core.Data;

/// <summary>Prepares the configured database (a folder for a file, the journal mode) and applies pending migrations.</summary>
public sealed class DatabaseInitializer(IDbContextFactory<AppDbContext> factory, IDatabaseProviderServices provider, DatabaseConnection database)
{
    /// <summary>
    /// Waits for, then holds, the start-up lock: instances starting together on one empty database migrate and seed
    /// one after the other (the second finds it seeded). Dispose to release.
    /// </summary>
    public async Task<IAsyncDisposable> HoldStartupLockAsync(CancellationToken ct = default)
    {
        var startup = provider.CreateSessionLock(database, "sponsoredinmail:startup");
        try
        {
            while (!await startup.TryAcquireAsync(ct))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
            }
            return startup;
        }
        catch
        {
            await startup.DisposeAsync();
            throw;
        }
    }

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
