namespace SponsoredInMail.Core.Changes;

/// <summary>
/// Wakes the feed's followers when a transaction that recorded changes commits (in this process). A missed or
/// spurious signal costs nothing but time: followers always read from the table.
/// </summary>
public sealed class ChangeSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Notify"/>. Take it before reading the table, then wait on it.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Notify() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
