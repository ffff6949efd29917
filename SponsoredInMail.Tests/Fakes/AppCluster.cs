using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace SponsoredInMail.Tests.Fakes;

/// <summary>
/// What <c>deploy/local-cluster.sh up</c> does, self-contained for a test: a new PostgreSQL database on the server named
/// by <c>POSTGRES_CONNECTION</c>, N web-app processes (the web project's build beside these tests) on free loopback
/// ports, started as the script starts them (the first alone until <c>/health</c>: it migrates and seeds, and its login
/// page creates the data-protection key the others then share), and an nginx of its own in a temp directory, configured
/// from the same template (<c>deploy/nginx/sponsoredinmail.conf.template</c>). Everything is killed, the database
/// dropped and the directory deleted on dispose — also when the start fails half-way.
/// </summary>
public sealed class AppCluster : IAsyncDisposable
{
    public const string NginxPath = "/usr/sbin/nginx";
    private static readonly TimeSpan FirstStartTimeout = TimeSpan.FromMinutes(6), StartTimeout = TimeSpan.FromMinutes(3);

    private readonly string _directory;
    private readonly string _server;
    private readonly List<Instance> _instances = [];
    private Process? _nginx;
    private bool _databaseCreated;
    private int _disposed;

    private AppCluster(string server)
    {
        _server = server;
        _directory = Path.Combine(Path.GetTempPath(), $"sim-cluster-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(_directory, "nginx", "temp"));
        DatabaseName = $"sim_cluster_{Guid.NewGuid():N}";
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = DatabaseName }.ConnectionString;
        // A test host that dies without disposing still takes its children with it.
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>Why a cluster cannot run here (no PostgreSQL server configured, no nginx), or null.</summary>
    public static string? SkipReason =>
        TestDatabaseServer.PostgresServer is null
            ? "The cluster test needs PostgreSQL: set POSTGRES_CONNECTION (a connection string without a database, e.g. Host=127.0.0.1;Port=5432;Username=sim;Password=sim)."
            : !File.Exists(NginxPath)
                ? $"The cluster test needs nginx at {NginxPath}: apt-get install -y nginx."
                : null;

    /// <summary>nginx's address: what a browser opens.</summary>
    public string BaseUrl { get; private set; } = "";

    public string DatabaseName { get; }

    public string ConnectionString { get; }

    public IReadOnlyList<Instance> Instances => _instances;

    /// <summary>The directory with the instances' logs and nginx's config, logs and pid.</summary>
    public string StateDirectory => _directory;

    /// <param name="instances">How many app processes.</param>
    /// <param name="settings">Extra app settings for every instance (environment-variable form: <c>Seed__Members</c>).</param>
    /// <param name="prepare">Runs on the new, empty database (its connection string) before the first instance starts.</param>
    public static async Task<AppCluster> StartAsync(int instances, IReadOnlyDictionary<string, string> settings, CancellationToken ct = default, Func<string, Task>? prepare = null)
    {
        var server = TestDatabaseServer.PostgresServer ?? throw new InvalidOperationException(SkipReason);
        var cluster = new AppCluster(server);
        try
        {
            await cluster.StartCoreAsync(instances, settings, ct, prepare);
            return cluster;
        }
        catch (Exception e)
        {
            var logs = cluster.LogTails(40);
            await cluster.DisposeAsync();
            throw new InvalidOperationException($"The cluster did not start: {e.Message}{Environment.NewLine}{logs}", e);
        }
    }

    private async Task StartCoreAsync(int count, IReadOnlyDictionary<string, string> settings, CancellationToken ct, Func<string, Task>? prepare)
    {
        await ExecuteOnServerAsync($"CREATE DATABASE \"{DatabaseName}\"");
        _databaseCreated = true;
        if (prepare is not null)
        {
            await prepare(ConnectionString);
        }
        var web = WebBuildDirectory();
        for (var i = 1; i <= count; i++)
        {
            _instances.Add(new Instance(i, FreePort(), Path.Combine(_directory, $"instance-{i}.log")));
        }

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var first = _instances[0];
        first.Start(web, ConnectionString, settings);
        await WaitForAsync(client, first.Url + "/health", first, FirstStartTimeout, ct);
        await WaitForAsync(client, first.Url + "/Account/Login", first, StartTimeout, ct);
        foreach (var instance in _instances.Skip(1))
        {
            instance.Start(web, ConnectionString, settings);
        }
        foreach (var instance in _instances.Skip(1))
        {
            await WaitForAsync(client, instance.Url + "/health", instance, StartTimeout, ct);
        }

        var port = FreePort();
        var nginxDirectory = Path.Combine(_directory, "nginx");
        var config = Path.Combine(nginxDirectory, "nginx.conf");
        await File.WriteAllTextAsync(config, NginxConfig(nginxDirectory, $"127.0.0.1:{port}", _instances.Select(i => i.Port)), ct);
        var start = new ProcessStartInfo(NginxPath) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        // In the foreground, as this process's child: killed with it.
        foreach (var arg in new[] { "-c", config, "-p", nginxDirectory, "-e", Path.Combine(nginxDirectory, "nginx-error.log"), "-g", "daemon off;" })
        {
            start.ArgumentList.Add(arg);
        }
        _nginx = Process.Start(start)!;
        _nginx.OutputDataReceived += (_, _) => { };
        _nginx.ErrorDataReceived += (_, e) => { if (e.Data is { } line) { File.AppendAllText(Path.Combine(nginxDirectory, "nginx-error.log"), line + Environment.NewLine); } };
        _nginx.BeginOutputReadLine();
        _nginx.BeginErrorReadLine();
        BaseUrl = $"http://127.0.0.1:{port}";
        await WaitForAsync(client, BaseUrl + "/Account/Login", null, StartTimeout, ct);
    }

    /// <summary>The template filled in as deploy/local-cluster.sh fills it.</summary>
    public static string NginxConfig(string stateDirectory, string listen, IEnumerable<int> ports)
    {
        var template = File.ReadAllText(Path.Combine(RepositoryRoot(), "deploy", "nginx", "sponsoredinmail.conf.template"));
        var servers = string.Join("\n", ports.Select(p => $"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;"));
        var lines = template.Replace("@STATE_DIR@", stateDirectory, StringComparison.Ordinal).Replace("@LISTEN@", listen, StringComparison.Ordinal)
            .Split('\n').Select(line => line == "@SERVERS@" ? servers : line);
        return string.Join("\n", lines);
    }

    /// <summary>The instance whose loopback address nginx reports (its X-Upstream header: "127.0.0.1:PORT").</summary>
    public Instance InstanceAt(string upstream) =>
        _instances.Single(i => upstream.Trim().EndsWith($":{i.Port}", StringComparison.Ordinal));

    /// <summary>The last lines of every instance's log and of nginx's error log, for a failing test's output.</summary>
    public string LogTails(int lines)
    {
        var text = new System.Text.StringBuilder();
        foreach (var instance in _instances)
        {
            text.AppendLine($"--- last {lines} lines of instance {instance.Number} (port {instance.Port}, {(instance.IsRunning ? "running" : "not running")}): {instance.LogPath} ---");
            text.AppendLine(Tail(instance.LogPath, lines));
        }
        var nginxLog = Path.Combine(_directory, "nginx", "nginx-error.log");
        text.AppendLine($"--- last {lines} lines of nginx's error log: {nginxLog} ---");
        text.AppendLine(Tail(nginxLog, lines));
        return text.ToString();
    }

    private static string Tail(string path, int lines) =>
        ReadShared(path) is { } text ? string.Join("\n", text.Split('\n').TakeLast(lines)) : "(no log)";

    /// <summary>A log file another process is still writing; null when it cannot be read.</summary>
    internal static string? ReadShared(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static async Task WaitForAsync(HttpClient client, string url, Instance? instance, TimeSpan timeout, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (instance is { IsRunning: false })
            {
                throw new InvalidOperationException($"instance {instance.Number} exited (code {instance.ExitCode}) before {url} answered.");
            }
            try
            {
                using var response = await client.GetAsync(url, ct);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
            }
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"{url} did not answer within {timeout.TotalSeconds:N0} s.");
            }
            await Task.Delay(250, ct);
        }
    }

    /// <summary>The web project's build in this test build's configuration (as BenchmarkProcess finds the benchmarks).</summary>
    private static string WebBuildDirectory()
    {
        var here = AppContext.BaseDirectory; // …/SponsoredInMail.Tests/bin/{Configuration}/net10.0/
        var framework = Path.GetFileName(Path.TrimEndingDirectorySeparator(here));
        var configuration = Path.GetFileName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(here)))!;
        var web = Path.Combine(RepositoryRoot(), "SponsoredInMail.Web", "bin", configuration, framework);
        File.Exists(Path.Combine(web, "SponsoredInMail.Web.dll")).ShouldBeTrue($"build the solution first: {web}/SponsoredInMail.Web.dll is missing");
        return web;
    }

    private static string RepositoryRoot() =>
        Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", ".."));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task ExecuteOnServerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_server) { Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private void OnProcessExit(object? sender, EventArgs e) => KillAll();

    private void KillAll()
    {
        if (_nginx is { } nginx)
        {
            Kill(nginx);
        }
        foreach (var instance in _instances)
        {
            instance.Kill();
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or already reaped.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        KillAll();
        _nginx?.Dispose();
        foreach (var instance in _instances)
        {
            instance.Dispose();
        }
        if (_databaseCreated)
        {
            try
            {
                await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS \"{DatabaseName}\" WITH (FORCE)");
            }
            catch (NpgsqlException)
            {
                // A stray database on a test server; the next run does not depend on it.
            }
        }
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>One app process on a loopback port; its standard output and error go to its log file.</summary>
    public sealed class Instance(int number, int port, string logPath) : IDisposable
    {
        private readonly object _gate = new();
        private Process? _process;
        private StreamWriter? _log;

        public int Number { get; } = number;
        public int Port { get; } = port;
        public string Url => $"http://127.0.0.1:{Port}";
        public string LogPath { get; } = logPath;
        public bool IsRunning => _process is { HasExited: false };

        /// <summary>Everything the instance has logged so far.</summary>
        public string ReadLog() => ReadShared(LogPath) ?? "";
        public int? ExitCode => _process is { HasExited: true } p ? p.ExitCode : null;

        internal void Start(string webDirectory, string connectionString, IReadOnlyDictionary<string, string> settings)
        {
            _log = new StreamWriter(new FileStream(LogPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete)) { AutoFlush = true };
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = webDirectory, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(Path.Combine(webDirectory, "SponsoredInMail.Web.dll"));
            // As deploy/local-cluster.sh starts an instance.
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            start.Environment["ASPNETCORE_URLS"] = Url;
            start.Environment["Urls"] = Url;
            start.Environment["Database__Provider"] = "Postgres";
            start.Environment["ConnectionStrings__DefaultConnection"] = connectionString;
            start.Environment["Hosting__ForwardedHeaders"] = "true";
            start.Environment["Hosting__HttpsRedirection"] = "false";
            start.Environment["Hosting__Hsts"] = "false";
            foreach (var (key, value) in settings)
            {
                start.Environment[key] = value;
            }
            _process = Process.Start(start)!;
            _process.OutputDataReceived += (_, e) => Write(e.Data);
            _process.ErrorDataReceived += (_, e) => Write(e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        private void Write(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (_gate)
            {
                _log?.WriteLine(line);
            }
        }

        /// <summary>Kills the process (and its children) at once, as a crash would.</summary>
        public void Kill()
        {
            if (_process is { } process)
            {
                AppCluster.Kill(process);
            }
        }

        public void Dispose()
        {
            Kill();
            _process?.Dispose();
            lock (_gate)
            {
                _log?.Dispose();
                _log = null;
            }
        }
    }
}
