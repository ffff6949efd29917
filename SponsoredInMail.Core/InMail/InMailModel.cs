namespace SponsoredInMail.Core.InMail;

/// <summary>Sales Navigator seat tiers and their monthly InMail allotments (SPEC §2, *config*).</summary>
public enum SeatTier
{
    Basic = 1,
    Professional = 2,
    Team = 3,
}

/// <summary>Configuration section "InMail".</summary>
public sealed class InMailOptions
{
    public const string Section = "InMail";

    public int BasicCredits { get; set; } = 8;
    public int ProfessionalCredits { get; set; } = 15;
    public int TeamCredits { get; set; } = 30;

    /// <summary>Grants never lift the balance above this multiple of the monthly allotment.</summary>
    public int AccrualCapMultiplier { get; set; } = 3;

    /// <summary>A response within this many days returns the credit.</summary>
    public int CreditBackDays { get; set; } = 90;

    /// <summary>InMails sent before this day (UTC) follow the legacy rule.</summary>
    public DateOnly LegacyPolicyEndsOn { get; set; } = new(2015, 1, 31);

    /// <summary>Legacy rule: credited back if NOT answered within this many days.</summary>
    public int LegacyNoAnswerDays { get; set; } = 7;

    /// <summary>When set, credits not used within this many months of their grant expire (checked monthly by the job).</summary>
    public int? ExpireAfterMonths { get; set; }

    public int Allotment(SeatTier tier) => tier switch
    {
        SeatTier.Professional => ProfessionalCredits,
        SeatTier.Team => TeamCredits,
        _ => BasicCredits,
    };
}

/// <summary>A sales rep's seat: which tier, since when.</summary>
public class SalesSeat
{
    public required string UserId { get; set; }
    public SeatTier Tier { get; set; }
    public DateTime AssignedAt { get; set; }
}

public enum LedgerKind
{
    Grant = 1,
    Spend = 2,
    Refund = 3,
    Expiry = 4,
}

/// <summary>
/// One movement of a rep's InMail credits, with its reason and time. The balance is the sum of the amounts; nothing
/// else stores it. A grant is unique per rep and month and a refund unique per InMail, so the job can run any
/// number of times (and race a response) without granting or refunding twice.
/// </summary>
public class CreditLedgerEntry
{
    public long Id { get; set; }
    public required string UserId { get; set; }
    public LedgerKind Kind { get; set; }
    public int Amount { get; set; }
    public required string Reason { get; set; }
    public DateTime At { get; set; }

    /// <summary>"yyyy-MM" for monthly grants (unique with the user).</summary>
    public string? GrantMonth { get; set; }

    /// <summary>"yyyy-MM" for expiry entries (unique with the user): at most one expiry run per month.</summary>
    public string? ExpiryMonth { get; set; }

    /// <summary>The InMail a spend or refund concerns; refunds are unique per InMail.</summary>
    public long? InMailId { get; set; }

    /// <summary>Set on refunds only (unique): the InMail whose credit came back.</summary>
    public long? RefundOfInMailId { get; set; }
}

public enum InMailResponse
{
    Reply = 1,
    Interested = 2,
    NotInterested = 3,
}

/// <summary>A one-to-one InMail from a sales rep to a member.</summary>
public class InMailMessage
{
    public long Id { get; set; }
    public required string SenderUserId { get; set; }
    public int SenderMemberId { get; set; }
    public int ToMemberId { get; set; }
    public required string Subject { get; set; }
    public required string Body { get; set; }
    public DateTime SentAt { get; set; }
    public DateTime? ReadAt { get; set; }
    public DateTime? RespondedAt { get; set; }
    public InMailResponse? Response { get; set; }
    public string? ReplyText { get; set; }
}

public static class InMailLimits
{
    public const int SubjectMax = 200;
    public const int BodyMax = 2_000;
    public const int ReplyMax = 2_000;
}
