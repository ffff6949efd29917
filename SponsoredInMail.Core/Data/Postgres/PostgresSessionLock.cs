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
