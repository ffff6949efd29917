using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Benchmarks;

/// <summary>
/// The database a scenario runs on: an SQLite file (the default; a temp file unless <c>--db PATH</c>) or, with
/// <c>--database postgres</c>, a PostgreSQL database on the server named by <c>POSTGRES_CONNECTION</c> (a connection
/// string without a database): <c>sim_bench_&lt;guid&gt;</c> unless <c>--db NAME</c>. Plain SQL here quotes its
/// identifiers (<c>"Deliveries"</c>), which both providers accept.
/// </summary>
internal sealed class BenchDatabase
{
    public const string ServerVariable = "POSTGRES_CONNECTION";

    private BenchDatabase(DatabaseProvider provider, string name, string connectionString)
    {
        Provider = provider;
        Name = name;
        Connection = new DatabaseConnection(connectionString, provider);
    }

    public DatabaseProvider Provider { get; }

    /// <summary>The SQLite file path, or the PostgreSQL database name.</summary>
    public string Name { get; }

    public DatabaseConnection Connection { get; }

    public bool IsPostgres => Provider == DatabaseProvider.Postgres;

    /// <summary>
    /// The connection for whole-table checks and bulk statements: no command timeout on PostgreSQL (Npgsql's default is
    /// 30 s, which a check over a million deliveries can exceed on a busy host). SQLite has none to lift.
    /// </summary>
    public string UnhurriedConnectionString => IsPostgres
        ? new NpgsqlConnectionStringBuilder(Connection.ConnectionString) { CommandTimeout = 0 }.ConnectionString
        : Connection.ConnectionString;

    /// <summary>Arguments that hand this database to a child benchmark process (which inherits POSTGRES_CONNECTION).</summary>
    public string[] ChildArgs => IsPostgres ? ["--database", "postgres", "--db", Name] : ["--db", Name];

    /// <summary>Parses the value of <c>--database</c>.</summary>
    public static DatabaseProvider ParseProvider(string text) => text.Trim().ToLowerInvariant() switch
    {
        "sqlite" => DatabaseProvider.Sqlite,
        "postgres" or "postgresql" => DatabaseProvider.Postgres,
        _ => throw new UsageException($"--database expects sqlite or postgres, got '{text}'."),
    };

    /// <summary>
    /// The database named by <paramref name="db"/> (a file path, or a PostgreSQL database name), or a new temp one named
    /// with <paramref name="prefix"/>. On PostgreSQL, POSTGRES_CONNECTION must be set (a usage error otherwise).
    /// </summary>
    public static BenchDatabase Resolve(DatabaseProvider provider, string? db, string prefix)
    {
        if (provider == DatabaseProvider.Sqlite)
        {
            var path = db is null ? Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}.db") : Path.GetFullPath(db);
            return new BenchDatabase(provider, path, $"Data Source={path};Pooling=False");
        }
        var server = Environment.GetEnvironmentVariable(ServerVariable);
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new UsageException($"--database postgres needs {ServerVariable}: a connection string without a database, "
                + "e.g. Host=127.0.0.1;Port=5432;Username=sim;Password=sim.");
        }
        var name = db ?? $"sim_bench_{Guid.NewGuid():N}";
        if (name.Length is 0 or > 63 || name.Contains('"', StringComparison.Ordinal))
        {
            throw new UsageException($"--db for postgres names a database (at most 63 characters, no quotes), got '{name}'.");
        }
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(server) { Database = name };
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"{ServerVariable} is not a valid Npgsql connection string: {e.Message}");
        }
        return new BenchDatabase(provider, name, builder.ConnectionString);
    }

    public async Task<bool> ExistsAsync()
    {
        if (!IsPostgres)
        {
            return File.Exists(Name);
        }
        await using var connection = await OpenServerAsync();
        await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM pg_database WHERE datname = @name", connection);
        command.Parameters.AddWithValue("name", Name);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>Creates the (empty) PostgreSQL database; an SQLite file is made by migrating it.</summary>
    public async Task CreateAsync()
    {
        if (!IsPostgres)
        {
            return;
        }
        await using var connection = await OpenServerAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{Name}\"", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Deletes the file (and its WAL) or drops the database; what cannot be removed is logged, not thrown.</summary>
    public async Task DropAsync()
    {
        if (IsPostgres)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = await OpenServerAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
            return;
        }
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { Name, Name + "-wal", Name + "-shm" })
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException e)
            {
                Log.Info($"could not delete {file}: {e.Message}");
            }
        }
    }

    /// <summary>A description for progress lines.</summary>
    public override string ToString() => IsPostgres ? $"PostgreSQL database {Name}" : $"SQLite file {Name}";

    public async Task<DbConnection> OpenAsync()
    {
        DbConnection connection = IsPostgres ? new NpgsqlConnection(UnhurriedConnectionString) : new SqliteConnection(Connection.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>One number from plain SQL (identifiers quoted, so that it reads the same on both providers).</summary>
    public async Task<long> ScalarAsync(string sql, long orElse = 0)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync() is { } value and not DBNull ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : orElse;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Bytes on disk: the SQLite file and its WAL, or pg_database_size.</summary>
    public async Task<long> SizeBytesAsync()
    {
        if (IsPostgres)
        {
            return await ScalarAsync("SELECT pg_database_size(current_database())");
        }
        return new FileInfo(Name).Length + (File.Exists(Name + "-wal") ? new FileInfo(Name + "-wal").Length : 0);
    }

    private async Task<NpgsqlConnection> OpenServerAsync()
    {
        var builder = new NpgsqlConnectionStringBuilder(Connection.ConnectionString) { Database = "postgres", Pooling = false };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
