using Npgsql;
using SponsoredInMail.Core.Cluster;

namespace SponsoredInMail.Core.Data.Postgres;

/// <summary>
/// A session advisory lock on its own unpooled connection (a pooled one would keep the lock after being "closed").
/// TCP keepalives make a half-open connection fail within seconds rather than hours.
/// </summary>
internal sealed class PostgresSessionLock(string connectionString, string name) : ISessionLock
{
    private NpgsqlConnection? _connection;

    internal static string Dedicated(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString)
    {
        Pooling = false, KeepAlive = 5, TcpKeepAlive = true, ApplicationName = "sponsoredinmail-lock",
    }.ConnectionString;

    public async Task<bool> TryAcquireAsync(CancellationToken ct)
    {
        _connection ??= new NpgsqlConnection(Dedicated(connectionString));
        if (_connection.State != System.Data.ConnectionState.Open)
        {
            await _connection.OpenAsync(ct);
        }
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended(@name, 0))", _connection);
        command.Parameters.Add(Pg.Text("name", name));
        return await command.ExecuteScalarAsync(ct) is true;
    }

    public async Task<bool> IsHeldAsync(CancellationToken ct)
    {
        if (_connection is not { State: System.Data.ConnectionState.Open })
        {
            return false;
        }
        try
        {
            // Only this session can release its lock, and only by ending: a connection that answers still holds it.
            await using var command = new NpgsqlCommand("SELECT 1", _connection);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            return await command.ExecuteScalarAsync(timeout.Token) is 1;
        }
        catch (Exception error) when (!ct.IsCancellationRequested && error is NpgsqlException or OperationCanceledException or InvalidOperationException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            // Closing an unpooled connection ends the session, and the session's advisory locks with it.
            await _connection.DisposeAsync();
            _connection = null;
        }
    }
}

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
