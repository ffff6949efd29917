namespace SponsoredInMail.Core.Inbox;

/// <summary>An ordinary message between two members (the organic part of the inbox).</summary>
public class OrganicMessage
{
    public long Id { get; set; }
    public int FromMemberId { get; set; }
    public int ToMemberId { get; set; }
    public required string Subject { get; set; }
    public required string Body { get; set; }
    public DateTime SentAt { get; set; }
    public DateTime? ReadAt { get; set; }
}

/// <summary>A test send of an ad to the marketer's own member inbox: no campaign, no charge, no cap, no events.</summary>
public class TestMessage
{
    public long Id { get; set; }
    public int AdId { get; set; }
    public int ToMemberId { get; set; }
    public required string SentByUserId { get; set; }
    public DateTime SentAt { get; set; }
    public DateTime? ReadAt { get; set; }
}
