using SponsoredInMail.Core.Changes;

namespace SponsoredInMail.Web.Components.Shared;

/// <summary>
/// Re-runs a page's refresh when the change feed reports a change the page cares about: bursts are folded into at
/// most one refresh per <see cref="MinimumInterval"/>, and nothing runs while nothing changes (no polling timer). The
/// refresh is the page's own (typically <c>() =&gt; InvokeAsync(LoadAndRenderAsync)</c>); its errors go to
/// <paramref name="onError"/> (the component's <c>DispatchExceptionAsync</c>). Dispose with the page.
/// </summary>
public sealed class LiveRefresh : IDisposable
{
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(250);

    private readonly Func<Task> _refresh;
    private readonly Func<Exception, Task> _onError;
    private readonly IDisposable _watch;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private bool _running;
    private bool _dirty;
    private DateTime _lastRun = DateTime.MinValue;

    public LiveRefresh(LiveChanges live, Func<DataChange, bool> concerns, Func<Task> refresh, Func<Exception, Task> onError)
    {
        _refresh = refresh;
        _onError = onError;
        _watch = live.Watch(concerns, () =>
        {
            Trigger();
            return Task.CompletedTask;
        });
    }

    /// <summary>Asks for one refresh after <paramref name="delay"/> (e.g. to let a rate fall to zero once sends stop).</summary>
    public void RefreshAfter(TimeSpan delay) => _ = LaterAsync(delay);

    private async Task LaterAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _stop.Token);
            Trigger();
        }
        catch (OperationCanceledException)
        {
            // The page went away.
        }
    }

    private void Trigger()
    {
        lock (_lock)
        {
            if (_running)
            {
                _dirty = true;
                return;
            }
            _running = true;
        }
        _ = RunAsync();
    }

    private async Task RunAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var wait = _lastRun + MinimumInterval - DateTime.UtcNow;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _stop.Token);
                }
                lock (_lock)
                {
                    _dirty = false;
                }
                _lastRun = DateTime.UtcNow;
                await _refresh();
                lock (_lock)
                {
                    if (!_dirty)
                    {
                        _running = false;
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The page went away.
        }
        catch (Exception error)
        {
            await _onError(error);
        }
        lock (_lock)
        {
            _running = false;
        }
    }

    public void Dispose()
    {
        _watch.Dispose();
        // Cancelled, not disposed: a refresh still finishing may look at it.
        _stop.Cancel();
    }
}
