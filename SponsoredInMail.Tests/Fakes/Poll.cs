using System.Diagnostics;

namespace SponsoredInMail.Tests.Fakes;

/// <summary>Waits for a condition by polling (never a fixed sleep), and fails saying what it waited for.</summary>
public static class Poll
{
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > limit)
            {
                throw new TimeoutException($"Waited {limit.TotalSeconds:N0} s for: {what}.");
            }
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > limit)
            {
                throw new TimeoutException($"Waited {limit.TotalSeconds:N0} s for: {what}.");
            }
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
