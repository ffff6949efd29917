using SponsoredInMail.Core.Changes;

namespace SponsoredInMail.Tests.Core.Changes;

/// <summary>A feed follower for tests: keeps what it was handed, and can be told to fail its first few batches.</summary>
public sealed class RecordingFollower(string name, bool durable = false, int failures = 0, long startAt = 0) : IChangeSubscriber
{
    private int _failuresLeft = failures;

    public string Name => name;
    public bool Durable => durable;
    public List<ChangeEnvelope> Received { get; } = [];
    public int Attempts { get; private set; }

    public ValueTask<long> StartPositionAsync(ChangeFeed feed, CancellationToken ct) => ValueTask.FromResult(startAt);

    public Task HandleAsync(IReadOnlyList<ChangeEnvelope> changes, CancellationToken ct)
    {
        Attempts++;
        if (_failuresLeft != 0)
        {
            _failuresLeft--;
            throw new InvalidOperationException($"{name} was told to fail.");
        }
        lock (Received)
        {
            Received.AddRange(changes);
        }
        return Task.CompletedTask;
    }

    public List<T> Of<T>() where T : DataChange
    {
        lock (Received)
        {
            return Received.Select(r => r.Change).OfType<T>().ToList();
        }
    }
}
