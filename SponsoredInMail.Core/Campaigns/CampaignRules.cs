using SponsoredInMail.Core.Common;

namespace SponsoredInMail.Core.Campaigns;

/// <summary>
/// The limits of a campaign's settings beyond the bid floor (which is configuration): checked by
/// <see cref="CampaignService"/>, so the wizard and the API give the same messages.
/// </summary>
public static class CampaignRules
{
    public const int NameMax = 100;

    /// <summary>No bid or budget above $10,000,000.00: far beyond any real campaign, far below where arithmetic on cents could overflow.</summary>
    public const long MoneyMaxCents = 1_000_000_000;

    /// <summary>A new or edited draft may start this far in the past (a form filled in slowly), not more.</summary>
    public static readonly TimeSpan StartGrace = TimeSpan.FromHours(1);

    /// <summary>Schedules reach at most this many years ahead.</summary>
    public const int ScheduleYearsAhead = 2;

    public static void Name(List<FieldError> errors, string? name) =>
        FieldRules.SingleLine(errors, "name", "Campaign name", name?.Trim(), 1, NameMax);

    public static void Objective(List<FieldError> errors, CampaignObjective objective)
    {
        if (!Enum.IsDefined(objective))
        {
            errors.Add(new FieldError("objective", $"Choose an objective: {string.Join(" or ", Enum.GetNames<CampaignObjective>())}."));
        }
    }

    /// <summary>A money amount at most <see cref="MoneyMaxCents"/>.</summary>
    public static void MoneyCap(List<FieldError> errors, string field, string label, long? cents)
    {
        if (cents > MoneyMaxCents)
        {
            errors.Add(new FieldError(field, $"{label} can be at most {Money.Format(MoneyMaxCents)}; it is {Money.Format(cents.Value)}."));
        }
    }

    /// <summary>
    /// Start and end no further ahead than <see cref="ScheduleYearsAhead"/> years; with <paramref name="newStart"/> (a draft being
    /// created or edited) the start is also not in the past beyond <see cref="StartGrace"/>. A running campaign's start is history.
    /// </summary>
    public static void Schedule(List<FieldError> errors, DateTime startAt, DateTime? endAt, DateTime now, bool newStart)
    {
        var latest = now.AddYears(ScheduleYearsAhead);
        if (newStart && startAt < now - StartGrace)
        {
            errors.Add(new FieldError("startAt", $"The start cannot be in the past; choose {now:yyyy-MM-dd HH:mm} UTC or later."));
        }
        else if (startAt > latest)
        {
            errors.Add(new FieldError("startAt", $"The start can be at most {ScheduleYearsAhead} years ahead, by {latest:yyyy-MM-dd} UTC."));
        }
        if (endAt is { } end && end > latest)
        {
            errors.Add(new FieldError("endAt", $"The end can be at most {ScheduleYearsAhead} years ahead, by {latest:yyyy-MM-dd} UTC."));
        }
    }
}
