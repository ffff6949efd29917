using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace SponsoredInMail.Core.Common;

/// <summary>RFC 4180 CSV for downloads (CRLF, quoted as needed, UTF-8 by the caller), every cell formula-safe.</summary>
public static class CsvExport
{
    /// <summary>Prefixes a cell with a single quote when a spreadsheet would read it as a formula (SPEC §3, CSV export).</summary>
    public static string EscapeForSpreadsheet(string cell) =>
        cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + cell : cell;

    public static string Write(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, new CsvConfiguration(CultureInfo.InvariantCulture) { NewLine = "\r\n" }))
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
