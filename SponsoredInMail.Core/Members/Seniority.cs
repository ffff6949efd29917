namespace SponsoredInMail.Core.Members;

/// <summary>LinkedIn's seniority levels, in ascending order; stored as their number.</summary>
public enum Seniority
{
    Unpaid = 1,
    Training = 2,
    Entry = 3,
    Senior = 4,
    Manager = 5,
    Director = 6,
    VP = 7,
    CXO = 8,
    Partner = 9,
    Owner = 10,
}

/// <summary>LinkedIn's company-size buckets, stored as their number.</summary>
public enum CompanySize
{
    Self = 1,
    From2To10 = 2,
    From11To50 = 3,
    From51To200 = 4,
    From201To500 = 5,
    From501To1000 = 6,
    From1001To5000 = 7,
    From5001To10000 = 8,
    Over10000 = 9,
}

public static class SeniorityExtensions
{
    /// <summary>Director and above count as "senior" for the suggested-bid rule.</summary>
    public static bool IsSeniorDecisionMaker(this Seniority seniority) => seniority >= Seniority.Director;

    public static string Label(this Seniority seniority) => seniority switch
    {
        Seniority.VP => "VP",
        Seniority.CXO => "CXO",
        _ => seniority.ToString(),
    };

    public static string Label(this CompanySize size) => size switch
    {
        CompanySize.Self => "Self-employed",
        CompanySize.From2To10 => "2–10 employees",
        CompanySize.From11To50 => "11–50 employees",
        CompanySize.From51To200 => "51–200 employees",
        CompanySize.From201To500 => "201–500 employees",
        CompanySize.From501To1000 => "501–1,000 employees",
        CompanySize.From1001To5000 => "1,001–5,000 employees",
        CompanySize.From5001To10000 => "5,001–10,000 employees",
        CompanySize.Over10000 => "10,001+ employees",
        _ => size.ToString(),
    };
}
