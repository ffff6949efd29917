using SponsoredInMail.Core.Common;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Common;

/// <summary>
/// The one CSV writer behind every download, read back by a strict parser that ends a row at a lone CR or LF: every
/// value stays in its own cell, no line a spreadsheet reads starts a formula, and values come back with at most a
/// neutralizing apostrophe added.
/// </summary>
public class CsvExportTests
{
    private static readonly string[] Atoms =
        ["=", "+", "-", "@", "\t", "\r", "\n", "\r\n", "\"", ",", "'", " ", "x", "1", "é", "=HYPERLINK(\"https://evil.example\",\"Click\")"];

    private static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t'];

    /// <summary>Every sequence of up to three atoms, then longer random ones (fixed seed).</summary>
    private static List<string> NastyValues()
    {
        var values = new List<string> { "" };
        var shorter = new List<string> { "" };
        for (var length = 1; length <= 3; length++)
        {
            shorter = shorter.SelectMany(s => Atoms.Select(a => s + a)).ToList();
            values.AddRange(shorter);
        }
        var random = new Random(12);
        for (var i = 0; i < 2_000; i++)
        {
            values.Add(string.Concat(Enumerable.Range(0, random.Next(4, 10)).Select(_ => Atoms[random.Next(Atoms.Length)])));
        }
        return values;
    }

    private static List<List<string>> WriteAndParse(IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows) =>
        StrictCsvParser.Parse(CsvExport.Write(header, rows));

    [Fact]
    public void EveryNastyValueStaysInItsOwnCellAndRowUnderAStrictParser()
    {
        var values = NastyValues();
        var rows = values.Chunk(3).Select(chunk => (IReadOnlyList<string>)[.. chunk, .. Enumerable.Repeat("", 3 - chunk.Length)]).ToList();

        var parsed = WriteAndParse(["a", "b", "c"], rows);

        parsed.Count.ShouldBe(rows.Count + 1, "one parsed row per written row, plus the header");
        for (var r = 0; r < rows.Count; r++)
        {
            parsed[r + 1].Count.ShouldBe(3, $"row {r} keeps its three cells");
            for (var c = 0; c < 3; c++)
            {
                parsed[r + 1][c].ShouldBe(CsvExport.EscapeForSpreadsheet(rows[r][c]), $"row {r}, cell {c}: {Show(rows[r][c])}");
            }
        }
    }

    [Fact]
    public void NoLineOfAParsedCellStartsAFormula()
    {
        var values = NastyValues();

        var parsed = WriteAndParse(values.Take(200).ToList(), values.Select(v => (IReadOnlyList<string>)[v]).ToList());

        foreach (var cell in parsed.SelectMany(row => row))
        {
            cell.ShouldNotStartWith("\r", customMessage: Show(cell));
            foreach (var line in cell.Split(["\r\n", "\r", "\n"], StringSplitOptions.None))
            {
                (line.Length > 0 && FormulaStarts.Contains(line[0])).ShouldBeFalse($"a line of {Show(cell)} starts a formula");
            }
        }
    }

    [Fact]
    public void NoPhysicalLineOfTheFileStartsAFormula()
    {
        // A reader that ignores quotes and splits the file at every CR or LF still meets no live formula.
        var csv = CsvExport.Write(["value"], NastyValues().Select(v => (IReadOnlyList<string>)[v]).ToList());

        foreach (var line in csv.Split(['\r', '\n']))
        {
            (line.Length > 0 && FormulaStarts.Contains(line[0])).ShouldBeFalse($"the physical line {Show(line)} starts a formula");
        }
    }

    [Fact]
    public void ValuesComeBackWithOnlyApostrophesAddedAndUnchangedWhenHarmless()
    {
        foreach (var value in NastyValues())
        {
            var parsed = WriteAndParse(["v"], [[value]])[1].Single();

            IsValueWithApostrophesAdded(value, parsed).ShouldBeTrue($"{Show(value)} came back as {Show(parsed)}");
            if (!value.Split(["\r\n", "\r", "\n"], StringSplitOptions.None).Any(line => line.Length > 0 && FormulaStarts.Contains(line[0])) && !value.StartsWith('\r'))
            {
                parsed.ShouldBe(value);
            }
        }
    }

    [Theory]
    [InlineData("x\r=HYPERLINK(\"https://evil.example\")", "\"x\r'=HYPERLINK(\"\"https://evil.example\"\")\"")]
    [InlineData("x\n+1", "\"x\n'+1\"")]
    [InlineData("x\r\n@SUM(A1)", "\"x\r\n'@SUM(A1)\"")]
    [InlineData("\r=1", "\"'\r'=1\"")]
    [InlineData("-2", "'-2")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("plain", "plain")]
    public void ACellIsQuotedWhenItHoldsALineBreakAndNeutralizedAfterEachBreak(string value, string written)
    {
        var csv = CsvExport.Write(["v"], [[value]]);

        csv.ShouldBe($"v\r\n{written}\r\n");
    }

    /// <summary>Whether <paramref name="parsed"/> is <paramref name="value"/> with zero or more apostrophes inserted.</summary>
    private static bool IsValueWithApostrophesAdded(string value, string parsed)
    {
        var v = 0;
        foreach (var c in parsed)
        {
            if (v < value.Length && value[v] == c)
            {
                v++;
            }
            else if (c != '\'')
            {
                return false;
            }
        }
        return v == value.Length;
    }

    private static string Show(string value) => "\"" + value.Replace("\r", "\\r").Replace("\n", "\\n").Replace("\t", "\\t") + "\"";
}
