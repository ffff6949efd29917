using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using SponsoredInMail.Core.Seeding;

namespace SponsoredInMail.Tests.Web.Hosting;

/// <summary>
/// appsettings.json lists every setting the app reads, with the default the code has, and the README's configuration
/// table lists exactly the keys of appsettings.json, with the same defaults.
/// </summary>
public partial class ConfigurationDocsTests
{
    /// <summary>Every options class of the app: a class with a public const string Section, in Core or Web.</summary>
    private static readonly (string Section, Type Options)[] OptionClasses =
    [
        .. new[] { typeof(SeedOptions).Assembly, typeof(Program).Assembly }
            .SelectMany(a => a.GetTypes())
            .Select(t => (Type: t, Field: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)))
            .Where(p => p.Field is { IsLiteral: true } && p.Field.FieldType == typeof(string) && p.Type.GetConstructor(Type.EmptyTypes) is not null)
            .Select(p => ((string)p.Field!.GetRawConstantValue()!, p.Type)),
    ];

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "SponsoredInMail.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("The repository root (SponsoredInMail.sln) was not found.");
    }

    private static string AppSettingsPath => Path.Combine(RepositoryRoot(), "SponsoredInMail.Web", "appsettings.json");

    /// <summary>Every leaf of appsettings.json as "Section:Key" → its JSON text (strings unquoted, null as "").</summary>
    private static Dictionary<string, string> AppSettings()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(AppSettingsPath));
        var leaves = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        void Walk(JsonElement element, string path)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in element.EnumerateObject())
                {
                    Walk(property.Value, path.Length == 0 ? property.Name : $"{path}:{property.Name}");
                }
                return;
            }
            leaves[path] = element.ValueKind switch
            {
                JsonValueKind.String => element.GetString()!,
                JsonValueKind.Null => "",
                _ => element.GetRawText(),
            };
        }
        Walk(document.RootElement, "");
        return leaves;
    }

    /// <summary>The README's configuration table: key → default as written (without backticks; *(empty)* as "").</summary>
    private static Dictionary<string, string> ReadmeTable()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), "README.md"));
        var start = Array.FindIndex(lines, l => l.StartsWith("## Configuration", StringComparison.Ordinal));
        start.ShouldBeGreaterThanOrEqualTo(0, "the README has a Configuration section");
        var rows = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)).Where(l => l.StartsWith("| `", StringComparison.Ordinal)))
        {
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            var keys = Ticked().Matches(cells[1]).Select(m => m.Groups[1].Value).ToList();
            keys.Count.ShouldBe(1, $"one key per README row: {line}");
            var cell = cells[2];
            rows.Add(keys[0], cell == "*(empty)*" ? "" : Ticked().Match(cell) is { Success: true } m ? m.Groups[1].Value : cell);
        }
        return rows;
    }

    [GeneratedRegex("`([^`]*)`")]
    private static partial Regex Ticked();

    [Fact]
    public void AppSettingsListsEverySettingTheAppReadsWithTheCodesDefault()
    {
        OptionClasses.Length.ShouldBeGreaterThanOrEqualTo(10);
        var settings = AppSettings();
        var configuration = new ConfigurationBuilder().AddJsonFile(AppSettingsPath).Build();
        foreach (var (section, type) in OptionClasses)
        {
            var defaults = Activator.CreateInstance(type)!;
            var bound = configuration.GetSection(section).Get(type) ?? Activator.CreateInstance(type)!;
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }))
            {
                var key = $"{section}:{property.Name}";
                settings.ShouldContainKey(key, $"appsettings.json lacks {key}");
                Format(property.GetValue(bound)).ShouldBe(Format(property.GetValue(defaults)), $"appsettings.json's {key} differs from the code's default");
            }
        }
        settings.ShouldContainKey("ConnectionStrings:DefaultConnection");
        settings.ShouldContainKey("Urls");
    }

    [Fact]
    public void TheReadmeConfigurationTableListsExactlyTheKeysOfAppSettingsWithTheirDefaults()
    {
        var settings = AppSettings();
        var readme = ReadmeTable();

        settings.Keys.Except(readme.Keys, StringComparer.OrdinalIgnoreCase).ShouldBeEmpty("keys in appsettings.json the README does not list");
        readme.Keys.Except(settings.Keys, StringComparer.OrdinalIgnoreCase).ShouldBeEmpty("keys the README lists that appsettings.json lacks");
        foreach (var (key, value) in settings)
        {
            readme[key].ShouldBe(value, $"the README's default of {key}");
        }
    }

    private static string Format(object? value) => value switch
    {
        null => "",
        string[] list => string.Join(",", list),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
