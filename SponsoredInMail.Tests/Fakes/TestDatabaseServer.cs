using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Tests.Fakes;

/// <summary>
/// Which database the tests run on: SQLite files by default; PostgreSQL when <c>TEST_DATABASE=postgres</c>, on the
/// server named by <c>POSTGRES_CONNECTION</c> (a connection string without a database). Every test gets its own
/// database either way: a temp file, or a PostgreSQL database cloned from a template migrated once per run.
/// </summary>
public static class TestDatabaseServer
{
    public static DatabaseProvider Provider { get; } =
        string.Equals(Environment.GetEnvironmentVariable("TEST_DATABASE"), "postgres", StringComparison.OrdinalIgnoreCase)
            ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;

    public static bool IsPostgres => Provider == DatabaseProvider.Postgres;

    /// <summary>For the few tests that are about the SQLite file itself, or not yet ported (each says why).</summary>
    public static void SkipOnPostgres(string why) => Assert.SkipWhen(IsPostgres, $"SQLite only: {why}");

    /// <summary>The PostgreSQL server, or null when none is configured.</summary>
    public static string? PostgresServer =>
        Environment.GetEnvironmentVariable("POSTGRES_CONNECTION") is { Length: > 0 } server ? server : null;

    /// <summary>
    /// For the tests of PostgreSQL code itself (its stores, its bulk writer): they run whenever a server is configured,
    /// whichever provider the rest of the suite runs on, and are skipped otherwise.
    /// </summary>
    public static void SkipWithoutPostgres() =>
        Assert.SkipWhen(PostgresServer is null, "PostgreSQL only: POSTGRES_CONNECTION is not set (e.g. Host=127.0.0.1;Port=5432;Username=sim;Password=sim).");

    private static readonly Lazy<Task<string>> Template = new(CreateTemplateAsync);

    /// <summary>A new, migrated, empty database of the configured provider (or of <paramref name="provider"/>).</summary>
    /// <param name="sqlitePooling">Web hosts pool SQLite connections as the app does; Core tests open each afresh.</param>
    /// <param name="provider">
    /// Overrides the configured provider: PostgreSQL for the tests of PostgreSQL code (call <see cref="SkipWithoutPostgres"/> first).
    /// </param>
    public static async Task<DatabaseConnection> NewDatabaseAsync(string prefix, bool sqlitePooling = false, DatabaseProvider? provider = null)
    {
        if ((provider ?? Provider) == DatabaseProvider.Sqlite)
        {
            var file = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}.db");
            return new DatabaseConnection(sqlitePooling ? $"Data Source={file}" : $"Data Source={file};Pooling=False");
        }
        var template = await Template.Value;
        var name = $"{prefix.Replace('-', '_')}_{Guid.NewGuid():N}";
        await ExecuteOnServerAsync($"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"");
        return new DatabaseConnection(ForDatabase(name), DatabaseProvider.Postgres);
    }

    /// <summary>
    /// A name for a database that does not exist yet (a temp file path, or a PostgreSQL database name), for a child
    /// process that creates it (the benchmark's <c>send-run --prepare-only</c>); <see cref="DropAsync"/> removes it.
    /// </summary>
    public static DatabaseConnection NewDatabaseName(string prefix) => IsPostgres
        ? new DatabaseConnection(ForDatabase($"{prefix.Replace('-', '_')}_{Guid.NewGuid():N}"), DatabaseProvider.Postgres)
        : new DatabaseConnection($"Data Source={Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}.db")};Pooling=False");

    /// <summary>The arguments that hand a database to the benchmark program (which inherits POSTGRES_CONNECTION).</summary>
    public static string[] BenchmarkArgs(DatabaseConnection database) => database.Provider == DatabaseProvider.Postgres
        ? ["--database", "postgres", "--db", new NpgsqlConnectionStringBuilder(database.ConnectionString).Database!]
        : ["--db", new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(database.ConnectionString).DataSource];

    /// <summary>One number from plain SQL on either provider (quote identifiers: <c>"Deliveries"</c>); opened afresh, unpooled.</summary>
    public static async Task<long> ScalarAsync(DatabaseConnection database, string sql, CancellationToken ct = default)
    {
        await using System.Data.Common.DbConnection connection = database.Provider == DatabaseProvider.Postgres
            ? new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ConnectionString)
            : new Microsoft.Data.Sqlite.SqliteConnection(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(database.ConnectionString) { Mode = Microsoft.Data.Sqlite.SqliteOpenMode.ReadOnly, Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Removes a database made by <see cref="NewDatabaseAsync"/> (a temp file left behind is harmless).</summary>
    public static async Task DropAsync(DatabaseConnection database)
    {
        if (database.Provider == DatabaseProvider.Postgres)
        {
            var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString);
            NpgsqlConnection.ClearPool(new NpgsqlConnection(database.ConnectionString));
            await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS \"{builder.Database}\" WITH (FORCE)");
            return;
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var path = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
            }
        }
    }

    private static string Server => PostgresServer
        ?? throw new InvalidOperationException("TEST_DATABASE=postgres needs POSTGRES_CONNECTION (e.g. Host=127.0.0.1;Port=5432;Username=sim;Password=sim).");

    private static string ForDatabase(string name) =>
        new NpgsqlConnectionStringBuilder(Server) { Database = name, MaxPoolSize = 20 }.ConnectionString;

    private static async Task ExecuteOnServerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Server) { Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    // One migration per test run; each test's database is a file-level copy of it (CREATE DATABASE … TEMPLATE).
    private static async Task<string> CreateTemplateAsync()
    {
        var name = $"sim_template_{Guid.NewGuid():N}";
        var connection = new NpgsqlConnectionStringBuilder(Server) { Database = name, Pooling = false }.ConnectionString;
        await using (var services = new ServiceCollection().AddLogging()
            .AddSponsoredInMailData(_ => new DatabaseConnection(connection, DatabaseProvider.Postgres)).BuildServiceProvider())
        {
            await services.GetRequiredService<DatabaseInitializer>().MigrateAsync();
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                ExecuteOnServerAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").GetAwaiter().GetResult();
            }
            catch (NpgsqlException)
            {
                // The CI cluster is thrown away with the machine; a local one keeps one stray template.
            }
        };
        return name;
    }
}
