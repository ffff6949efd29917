namespace SponsoredInMail.Core.Changes;

/// <summary>One change as a follower receives it.</summary>
public sealed record ChangeEnvelope(long Position, DateTime At, DataChange Change);

/// <summary>
/// A follower of the change feed. The feed hands it every change after <see cref="StartPositionAsync"/>, in
/// position order, in batches; a batch that throws is handed again later (so handling must be idempotent).
/// </summary>
public interface IChangeSubscriber
{
    /// <summary>Unique; names the follower in logs and, when durable, in the cursor table.</summary>
    string Name { get; }

    /// <summary>
    /// Durable followers keep their position in the database and resume from it after a restart. Others (the
    /// audience index, live pages) rebuild their state at start-up and say where that state stands.
    /// </summary>
    bool Durable => false;

    /// <summary>The position this follower's state already reflects (non-durable followers only).</summary>
    ValueTask<long> StartPositionAsync(ChangeFeed feed, CancellationToken ct);

    Task HandleAsync(IReadOnlyList<ChangeEnvelope> changes, CancellationToken ct);
}
