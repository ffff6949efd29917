using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SponsoredInMail.Tests.Fakes;

/// <summary>
/// The in-process app's log kept in memory instead of on the console: a failing test prints only its tail
/// (see BrowserTest), not everything every app said since the test run started.
/// </summary>
public sealed class AppLog : ILoggerProvider
{
    private const int Keep = 2_000;
    private readonly ConcurrentQueue<string> _lines = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>The last <paramref name="count"/> lines, oldest first.</summary>
    public IReadOnlyList<string> Tail(int count)
    {
        var all = _lines.ToArray();
        return all[Math.Max(0, all.Length - count)..];
    }

    private void Add(string line)
    {
        _lines.Enqueue(line);
        while (_lines.Count > Keep && _lines.TryDequeue(out _))
        {
        }
    }

    public void Dispose()
    {
    }

    private sealed class Logger(AppLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}";
            log.Add(exception is null ? line : line + " | " + exception.GetType().Name + ": " + exception.Message);
        }
    }
}
