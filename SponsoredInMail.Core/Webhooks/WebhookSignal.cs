namespace SponsoredInMail.Core.Webhooks;

/// <summary>
/// Wakes this process's sender when it queued deliveries (the outbox) or a Manager replayed one here. Another
/// instance's work is found by the sender's poll (<see cref="WebhookOptions.PollSeconds"/>).
/// </summary>
public sealed class WebhookSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Pulse"/>.</summary>
    public Task Next
    {
        get
        {
            lock (_gate)
            {
                return _next.Task;
            }
        }
    }

    public void Pulse()
    {
        TaskCompletionSource pulsed;
        lock (_gate)
        {
            pulsed = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        pulsed.TrySetResult();
    }
}
