using System.Text;

namespace SponsoredInMail.Tests.Fakes;

/// <summary>
/// An RFC 4180 reader as strict as the pickiest spreadsheet: outside quotes a lone CR, a lone LF or CRLF each end the
/// row; inside quotes everything is literal and "" is a quote. A quote inside an unquoted field, or anything but a
/// delimiter or line break after a closing quote, is an error rather than a guess.
/// </summary>
public static class StrictCsvParser
{
    public static List<List<string>> Parse(string csv)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var i = 0;
        var atCellStart = true;
        while (i < csv.Length)
        {
            var c = csv[i];
            if (atCellStart && c == '"')
            {
                i++;
                while (true)
                {
                    if (i >= csv.Length)
                    {
                        throw new FormatException("A quoted field is never closed.");
                    }
                    if (csv[i] == '"')
                    {
                        if (i + 1 < csv.Length && csv[i + 1] == '"')
                        {
                            cell.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    cell.Append(csv[i++]);
                }
                if (i < csv.Length && csv[i] is not (',' or '\r' or '\n'))
                {
                    throw new FormatException($"'{csv[i]}' follows a closing quote at {i}.");
                }
                atCellStart = false;
                continue;
            }
            atCellStart = false;
            switch (c)
            {
                case ',':
                    row.Add(cell.ToString());
                    cell.Clear();
                    atCellStart = true;
                    i++;
                    break;
                case '\r' or '\n':
                    row.Add(cell.ToString());
                    cell.Clear();
                    rows.Add(row);
                    row = [];
                    atCellStart = true;
                    i += c == '\r' && i + 1 < csv.Length && csv[i + 1] == '\n' ? 2 : 1;
                    break;
                case '"':
                    throw new FormatException($"A quote inside an unquoted field at {i}.");
                default:
                    cell.Append(c);
                    i++;
                    break;
            }
        }
        if (!atCellStart || row.Count > 0)
        {
            row.Add(cell.ToString());
            rows.Add(row);
        }
        return rows;
    }
}
