using System.Globalization;
using System.Net.Mail;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using SponsoredInMail.Core.Common;

namespace SponsoredInMail.Core.Audiences;

/// <summary>
/// One accepted data row of an uploaded list, cells trimmed and whitespace collapsed. Company lists fill
/// <see cref="Company"/> and maybe <see cref="Host"/>; contact lists fill <see cref="Email"/> (lower case)
/// and/or <see cref="FirstName"/>, <see cref="LastName"/> and <see cref="Company"/>.
/// </summary>
internal sealed record ListRow(int Line, string? Company, string? Host, string? Email, string? FirstName, string? LastName);

/// <summary>A row left out of the match, with the file line it starts on.</summary>
internal sealed record Rejection(int Line, string Value, string Reason);

/// <summary>What reading a file gives: either a file-level refusal, or the rows and the rejected rows.</summary>
internal sealed record ParsedList(FieldError? Error, IReadOnlyList<ListRow> Rows, IReadOnlyList<Rejection> Rejections, int RowsRead)
{
    public static ParsedList Refused(string message) => new(new FieldError("file", message), [], [], 0);
}

/// <summary>
/// Reads matched-audience CSV uploads (RFC 4180, UTF-8 with or without BOM) and writes the rejections
/// download. File-level problems refuse the whole file; row-level problems reject only the row.
/// </summary>
internal static class MatchedAudienceCsv
{
    public const int ProgressEveryRows = 10_000;
    private const int MaxValueLength = 500;

    private static readonly string[] CompanyHeaders = ["company", "company name"];
    private static readonly string[] WebsiteHeaders = ["website", "domain", "company website", "company domain"];
    private static readonly string[] EmailHeaders = ["email", "e-mail", "email address", "e-mail address"];
    private static readonly string[] FirstNameHeaders = ["first name", "firstname"];
    private static readonly string[] LastNameHeaders = ["last name", "lastname"];

    /// <summary>Legal-form words dropped from the end of a company name before comparing.</summary>
    private static readonly HashSet<string> LegalSuffixes =
        new(["inc", "llc", "ltd", "gmbh", "corp", "co", "corporation", "limited", "plc"], StringComparer.Ordinal);

    public const string CompanyColumnsHint =
        "A company list needs a \"company\" (or \"company name\") column; a \"website\" or \"domain\" column is optional.";

    public const string ContactColumnsHint =
        "A contact list needs an \"email\" column, or \"first name\", \"last name\" and \"company\" columns.";

    /// <summary>
    /// Reads the whole upload, refusing it (field "file") when it is empty, larger than
    /// <see cref="AudienceRules.MaxMatchedFileBytes"/>, not UTF-8, not well-formed CSV, lacks the kind's
    /// columns or has more than <see cref="AudienceRules.MaxMatchedRows"/> data rows.
    /// </summary>
    public static async Task<ParsedList> ReadAsync(Stream content, MatchedListKind kind, Action<int>? onRowsRead, CancellationToken ct)
    {
        if (content.CanSeek && content.Length - content.Position > AudienceRules.MaxMatchedFileBytes)
        {
            return ParsedList.Refused(TooLargeMessage);
        }
        var limited = new LimitedStream(content, AudienceRules.MaxMatchedFileBytes);
        using var reader = new StreamReader(limited, new UTF8Encoding(false, throwOnInvalidBytes: true),
            detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024, leaveOpen: true);
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            // Blank lines come through as empty records so that every record starts on the line after the
            // previous one ends: that is how rejections and errors get their line numbers.
            IgnoreBlankLines = false,
            TrimOptions = TrimOptions.None,
        };
        using var parser = new CsvParser(reader, configuration);
        var rows = new List<ListRow>();
        var rejections = new List<Rejection>();
        var rowsRead = 0;
        var nextLine = 1;
        Columns? columns = null;
        try
        {
            while (await parser.ReadAsync())
            {
                ct.ThrowIfCancellationRequested();
                // The record starts on the line after the previous one ended. Its cells are decoded when read (here),
                // which is where a bad quote surfaces: nextLine still names this record's first line then.
                var line = nextLine;
                var record = parser.Record ?? [];
                nextLine = parser.RawRow + 1;
                if (record.All(string.IsNullOrWhiteSpace))
                {
                    continue;
                }
                if (columns is null)
                {
                    columns = Columns.Find(record, kind);
                    if (columns.Missing)
                    {
                        return ParsedList.Refused($"{(kind == MatchedListKind.Companies ? CompanyColumnsHint : ContactColumnsHint)} " +
                            $"The first line has: {DescribeHeader(record)}.");
                    }
                    continue;
                }
                if (++rowsRead > AudienceRules.MaxMatchedRows)
                {
                    return ParsedList.Refused(
                        $"The file has more than {AudienceRules.MaxMatchedRows:N0} rows; split it into lists of at most {AudienceRules.MaxMatchedRows:N0} rows.");
                }
                var (row, rejection) = kind == MatchedListKind.Companies ? ReadCompany(line, record, columns) : ReadContact(line, record, columns);
                if (row is not null)
                {
                    rows.Add(row);
                }
                else
                {
                    rejections.Add(rejection!);
                }
                if (rowsRead % ProgressEveryRows == 0)
                {
                    onRowsRead?.Invoke(rowsRead);
                }
            }
        }
        catch (FileTooLargeException)
        {
            return ParsedList.Refused(TooLargeMessage);
        }
        catch (DecoderFallbackException)
        {
            return ParsedList.Refused("The file is not UTF-8 text. Save it as \"CSV UTF-8\" and upload it again.");
        }
        catch (BadDataException)
        {
            return ParsedList.Refused(
                $"The file is not well-formed CSV: the row starting on line {nextLine} has a quote that is not closed or a stray quote " +
                "inside a cell. Cells containing quotes must be enclosed in quotes, with inner quotes doubled (\"\").");
        }
        if (limited.BytesRead == 0)
        {
            return ParsedList.Refused("The file is empty.");
        }
        if (columns is null)
        {
            return ParsedList.Refused("The file has no header line and no rows.");
        }
        if (rowsRead == 0)
        {
            return ParsedList.Refused("The file has a header line but no rows below it.");
        }
        onRowsRead?.Invoke(rowsRead);
        return new ParsedList(null, rows, rejections, rowsRead);
    }

    private static string TooLargeMessage =>
        $"The file is larger than {AudienceRules.MaxMatchedFileBytes / (1024 * 1024)} MB; split it into smaller lists.";

    private static (ListRow?, Rejection?) ReadCompany(int line, string[] record, Columns columns)
    {
        var company = Cell(record, columns.Company);
        var website = Cell(record, columns.Website);
        if (Formula(line, ("company", company), ("website", website)) is { } formula)
        {
            return (null, formula);
        }
        if (string.IsNullOrWhiteSpace(company))
        {
            return (null, new Rejection(line, website, "The company cell is empty."));
        }
        return (new ListRow(line, Collapse(company), HostOf(website), null, null, null), null);
    }

    private static (ListRow?, Rejection?) ReadContact(int line, string[] record, Columns columns)
    {
        var email = Cell(record, columns.Email);
        var first = Cell(record, columns.FirstName);
        var last = Cell(record, columns.LastName);
        var company = Cell(record, columns.Company);
        if (Formula(line, ("email", email), ("first name", first), ("last name", last), ("company", company)) is { } formula)
        {
            return (null, formula);
        }
        if (!string.IsNullOrWhiteSpace(email))
        {
            var address = email.Trim();
            if (!IsValidEmail(address))
            {
                return (null, new Rejection(line, email, "The email cell is not a valid e-mail address."));
            }
            return (new ListRow(line, NullIfBlank(company), null, address.ToLowerInvariant(), NullIfBlank(first), NullIfBlank(last)), null);
        }
        if (!columns.HasNameColumns)
        {
            return (null, new Rejection(line, "", "The email cell is empty."));
        }
        var blank = new[] { ("first name", first), ("last name", last), ("company", company) }.Where(c => string.IsNullOrWhiteSpace(c.Item2)).Select(c => c.Item1).ToList();
        if (blank.Count > 0)
        {
            var what = columns.Email is null ? "" : "The email cell is empty, and ";
            var cells = blank.Count == 1 ? $"the {blank[0]} cell is" : $"the {string.Join(" and ", blank)} cells are";
            return (null, new Rejection(line, string.Join(" ", new[] { first, last, company }.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim())),
                Capitalize(what + cells + " empty.")));
        }
        return (new ListRow(line, Collapse(company), null, null, Collapse(first), Collapse(last)), null);
    }

    private static Rejection? Formula(int line, params (string Column, string Value)[] cells)
    {
        foreach (var (column, value) in cells)
        {
            if (LooksLikeFormula(value))
            {
                return new Rejection(line, value, $"The {column} cell looks like a spreadsheet formula.");
            }
        }
        return null;
    }

    /// <summary>
    /// A cell a spreadsheet would run as a formula: starting with = + @ tab or CR, or with '-' followed by
    /// something other than a letter (so "-42" and "-=1" count, a name like "-Anne" does not).
    /// </summary>
    public static bool LooksLikeFormula(string cell)
    {
        if (cell.Length == 0)
        {
            return false;
        }
        if (cell[0] is '\t' or '\r')
        {
            return true;
        }
        var text = cell.TrimStart();
        return text.Length > 0 && (text[0] is '=' or '+' or '@' || (text[0] == '-' && text.Length > 1 && !char.IsLetter(text[1])));
    }

    /// <summary>Prefixes a cell with a single quote when a spreadsheet would read it as a formula (SPEC §3, CSV export).</summary>
    public static string EscapeForSpreadsheet(string cell) => Common.CsvExport.EscapeForSpreadsheet(cell);

    /// <summary>The rejections download: RFC 4180 CSV with the header line,value,reason.</summary>
    public static string WriteRejections(IEnumerable<Rejection> rejections) =>
        Common.CsvExport.Write(["line", "value", "reason"],
            rejections.Select(r => (IReadOnlyList<string>)[r.Line.ToString(CultureInfo.InvariantCulture), Shorten(r.Value), r.Reason]));

    public static bool IsValidEmail(string address)
    {
        if (address.Length > 254 || address.Any(char.IsWhiteSpace))
        {
            return false;
        }
        var at = address.IndexOf('@');
        if (at <= 0 || at != address.LastIndexOf('@'))
        {
            return false;
        }
        var domain = address[(at + 1)..];
        return domain.Contains('.') && !domain.StartsWith('.') && !domain.EndsWith('.') && !domain.Contains("..")
            && MailAddress.TryCreate(address, out var parsed) && parsed.Address == address;
    }

    /// <summary>
    /// The comparable form of a company name: lower case, whitespace collapsed, trailing legal-form words
    /// (Inc, Inc., LLC, Ltd, GmbH, Corp, Co, …) and the commas or dots before them dropped.
    /// </summary>
    public static string NormalizeCompany(string name)
    {
        var words = Collapse(name).ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        while (words.Count > 1 && words[^1].Trim('.', ',') is var last && (last.Length == 0 || LegalSuffixes.Contains(last)))
        {
            words.RemoveAt(words.Count - 1);
        }
        return string.Join(' ', words).TrimEnd(',', '.', ' ');
    }

    /// <summary>The comparable form of a person's name: whitespace collapsed, lower case.</summary>
    public static string NormalizeName(string name) => Collapse(name).ToLowerInvariant();

    /// <summary>The host of a website or domain cell ("https://www.Acme.example/about" → "acme.example"), or null.</summary>
    public static string? HostOf(string? website)
    {
        if (string.IsNullOrWhiteSpace(website))
        {
            return null;
        }
        var host = website.Trim().ToLowerInvariant();
        var scheme = host.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            host = host[(scheme + 3)..];
        }
        var end = host.IndexOfAny(['/', '?', '#']);
        if (end >= 0)
        {
            host = host[..end];
        }
        host = host[(host.LastIndexOf('@') + 1)..];
        var port = host.IndexOf(':');
        if (port >= 0)
        {
            host = host[..port];
        }
        host = host.TrimEnd('.');
        if (host.StartsWith("www.", StringComparison.Ordinal))
        {
            host = host[4..];
        }
        return host.Contains('.') && !host.Any(char.IsWhiteSpace) ? host : null;
    }

    private static string Collapse(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static string? NullIfBlank(string text) => string.IsNullOrWhiteSpace(text) ? null : Collapse(text);

    private static string Cell(string[] record, int? index) => index is { } i && i < record.Length ? record[i] : "";

    private static string Shorten(string value) => value.Length <= MaxValueLength ? value : value[..MaxValueLength] + "…";

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static string NormalizeHeader(string header) =>
        Collapse(header.Replace('\uFEFF', ' ').Replace('_', ' ')).ToLowerInvariant();

    private static string DescribeHeader(string[] record)
    {
        var names = record.Where(h => !string.IsNullOrWhiteSpace(h)).Take(10)
            .Select(h => "\"" + Shorten(Collapse(h.Replace('\uFEFF', ' '))) + "\"").ToList();
        return names.Count == 0 ? "no column names" : string.Join(", ", names) + (record.Length > 10 ? ", …" : "");
    }

    /// <summary>Where the kind's columns are in the header (names compared trimmed and case-insensitively).</summary>
    private sealed record Columns(int? Company, int? Website, int? Email, int? FirstName, int? LastName, bool Missing)
    {
        public bool HasNameColumns => FirstName is not null && LastName is not null && Company is not null;

        public static Columns Find(string[] header, MatchedListKind kind)
        {
            var names = header.Select(NormalizeHeader).ToList();
            int? IndexOf(string[] aliases)
            {
                var at = names.FindIndex(aliases.Contains);
                return at < 0 ? null : at;
            }
            var company = IndexOf(CompanyHeaders);
            if (kind == MatchedListKind.Companies)
            {
                return new Columns(company, IndexOf(WebsiteHeaders), null, null, null, Missing: company is null);
            }
            var columns = new Columns(company, null, IndexOf(EmailHeaders), IndexOf(FirstNameHeaders), IndexOf(LastNameHeaders), false);
            return columns with { Missing = columns.Email is null && !columns.HasNameColumns };
        }
    }

    private sealed class FileTooLargeException : Exception;

    /// <summary>Counts the bytes read and stops with <see cref="FileTooLargeException"/> past the limit.</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int read)
        {
            BytesRead += read;
            if (BytesRead > limit)
            {
                throw new FileTooLargeException();
            }
            return read;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
