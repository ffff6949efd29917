using Npgsql;
using SponsoredInMail.Core.Cluster;

namespace SponsoredInMail.Core.Data.Postgres;

/// <summary>
/// Wakes the feed's followers when another process commits: every append notifies <see cref="Channel"/> (see
/// <see cref="PostgresProviderServices.AppendChangeSql"/>; delivered at commit, once per transaction), and this listens on
/// its own unpooled connection, reconnecting after a failure and waking the followers then too (they may have missed
/// notices while it was down).
/// </summary>
internal sealed class PostgresChangeNotifications(DatabaseConnection database, Microsoft.Extensions.Logging.ILogger<PostgresChangeNotifications> logger) : IChangeNotifications
{
    public const string Channel = "sponsoredinmail_changes";

    public async Task ListenAsync(Action changed, CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(PostgresSessionLock.Dedicated(database.ConnectionString));
                connection.Notification += (_, _) => changed();
                await connection.OpenAsync(ct);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(ct);
                }
                failures = 0;
                changed(); // whatever was committed while nobody listened
                while (true)
                {
                    await connection.WaitAsync(ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                failures++;
                var wait = TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, Math.Min(failures, 5))));
                Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(logger, error,
                    "Listening for other instances' changes failed; retrying in {Seconds} s (the feed still polls).", wait.TotalSeconds);
                try
                {
                    await Task.Delay(wait, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
