using System.Buffers;
using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace SponsoredInMail.Core.Common;

/// <summary>RFC 4180 CSV for downloads (CRLF, quoted as needed, UTF-8 by the caller), every cell formula-safe.</summary>
public static class CsvExport
{
    private static readonly SearchValues<char> LineBreaks = SearchValues.Create("\r\n");

    /// <summary>
    /// A field holding any of these is quoted. Spreadsheets end a row at a lone CR or LF as well as at CRLF, so quoting
    /// only when the writer's own CRLF appears (CsvHelper's default once NewLine is set) would split the cell there.
    /// </summary>
    private static readonly SearchValues<char> NeedsQuotes = SearchValues.Create("\r\n\",");

    private static readonly CsvConfiguration Configuration = new(CultureInfo.InvariantCulture)
    {
        NewLine = "\r\n",
        ShouldQuote = args => args.Field is { Length: > 0 } field
            && (field.AsSpan().IndexOfAny(NeedsQuotes) >= 0 || field[0] == ' ' || field[^1] == ' '),
    };

    private static bool StartsFormula(char c) => c is '=' or '+' or '-' or '@' or '\t';

    /// <summary>
    /// Prefixes a cell with a single quote when a spreadsheet would read it as a formula (SPEC §3, CSV export), and
    /// does the same after every line break inside it: a reader that splits rows at a lone CR or LF (or ignores the
    /// quotes) starts a new row there, and that row must not begin with a live formula either.
    /// </summary>
    public static string EscapeForSpreadsheet(string cell)
    {
        if (cell.Length == 0 || (!StartsFormula(cell[0]) && cell[0] != '\r' && cell.AsSpan().IndexOfAny(LineBreaks) < 0))
        {
            return cell;
        }
        var text = new StringBuilder(cell.Length + 4);
        if (StartsFormula(cell[0]) || cell[0] == '\r')
        {
            text.Append('\'');
        }
        for (var i = 0; i < cell.Length; i++)
        {
            text.Append(cell[i]);
            if (cell[i] is '\r' or '\n' && i + 1 < cell.Length && StartsFormula(cell[i + 1]))
            {
                text.Append('\'');
            }
        }
        return text.ToString();
    }

    public static string Write(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, Configuration))
        {
            foreach (var name in header)
            {
                csv.WriteField(EscapeForSpreadsheet(name));
            }
            csv.NextRecord();
            foreach (var row in rows)
            {
                foreach (var cell in row)
                {
                    csv.WriteField(EscapeForSpreadsheet(cell));
                }
                csv.NextRecord();
            }
        }
        return text.ToString();
    }
}
