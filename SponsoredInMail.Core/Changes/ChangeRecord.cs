using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SponsoredInMail.Core.Changes;

/// <summary>One row of the change feed: a strictly increasing position, the change's kind and its JSON.</summary>
public class ChangeRecord
{
    public long Position { get; set; }
    public required string Kind { get; set; }
    public required string Payload { get; set; }
    public DateTime At { get; set; }

    public DataChange Read() => DataChange.FromJson(Payload);
}

/// <summary>How far a durable follower has read the feed (kept across restarts).</summary>
public class ChangeCursor
{
    public required string Subscriber { get; set; }
    public long Position { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class ChangeRecordConfiguration : IEntityTypeConfiguration<ChangeRecord>
{
    public void Configure(EntityTypeBuilder<ChangeRecord> change)
    {
        change.ToTable("Changes");
        change.HasKey(c => c.Position);
        change.Property(c => c.Position).ValueGeneratedOnAdd();
        change.Property(c => c.Kind).HasMaxLength(40);
        // No index on At: every append would pay for it; pruning walks positions, which are in time order.
    }
}

internal sealed class ChangeCursorConfiguration : IEntityTypeConfiguration<ChangeCursor>
{
    public void Configure(EntityTypeBuilder<ChangeCursor> cursor)
    {
        cursor.ToTable("ChangeCursors");
        cursor.HasKey(c => c.Subscriber);
        cursor.Property(c => c.Subscriber).HasMaxLength(100);
    }
}
