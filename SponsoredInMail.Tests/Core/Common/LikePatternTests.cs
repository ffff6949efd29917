using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Common;

/// <summary>What a user types into a search box matches itself: LIKE's wildcards and the escape character are escaped.</summary>
public class LikePatternTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void PatternsAreLowerCaseAndDropNul() => LikePattern.StartsWith("Van\0 DER").ShouldBe("van der%");

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("50%", @"50\%")]
    [InlineData("a_b", @"a\_b")]
    [InlineData(@"c\d", @"c\\d")]
    [InlineData(@"\%_", @"\\\%\_")]
    public void LiteralEscapesWildcardsAndTheEscapeCharacter(string typed, string literal)
    {
        LikePattern.Literal(typed).ShouldBe(literal);
        LikePattern.StartsWith(typed).ShouldBe(literal + "%");
        LikePattern.Contains(typed).ShouldBe("%" + literal + "%");
    }

    [Fact]
    public void WordsAreTheSearchBoxsFirstFourWords()
    {
        LikePattern.Words("  ada   lovelace analytical engine notes ").ShouldBe(["ada", "lovelace", "analytical", "engine"]);
        LikePattern.Words(null).ShouldBeEmpty();
        LikePattern.Words("   ").ShouldBeEmpty();
    }

    [Theory]
    [InlineData("50%", "budget 50% off")]
    [InlineData("a_b", "a_b")]
    [InlineData(@"c\d", @"c\d")]
    [InlineData("%", "budget 50% off")]
    public async Task InTheDatabaseAPatternMatchesOnlyWhatWasTyped(string typed, string only)
    {
        await using var db = await TestDatabase.CreateAsync();
        string[] names = ["budget 50% off", "budget 50 off", "a_b", "axb", @"c\d", "cd"];
        await using var context = db.CreateContext();
        // The LIKE is the database's (SQLite or PostgreSQL): the query runs there, not in memory.
        var pattern = LikePattern.Contains(typed);
        var sql = string.Join(" UNION ALL ", names.Select((_, i) => $"SELECT {{{i}}} AS \"Value\""));
        var matched = await context.Database.SqlQueryRaw<string>(sql, names.Cast<object>().ToArray())
            .Where(v => EF.Functions.Like(v.ToLower(), pattern, LikePattern.EscapeCharacter))
            .ToListAsync(Ct);

        matched.ShouldBe([only]);
    }
}
