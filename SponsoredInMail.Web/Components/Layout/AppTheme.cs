using MudBlazor;

namespace SponsoredInMail.Web.Components.Layout;

/// <summary>A calm, professional-network palette; system fonts (no web font download).</summary>
public static class AppTheme
{
    private static readonly string[] FontStack =
        ["-apple-system", "BlinkMacSystemFont", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"];

    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#0A66C2",
            Secondary = "#5E6B7A",
            Tertiary = "#057642",
            AppbarBackground = "#FFFFFF",
            AppbarText = "#1D2226",
            Background = "#F4F2EE",
            Surface = "#FFFFFF",
            DrawerBackground = "#FFFFFF",
            DrawerText = "#1D2226",
            TextPrimary = "#1D2226",
            TextSecondary = "#56687A",
            Success = "#057642",
            Warning = "#915907",
            Error = "#B24020",
            Info = "#0A66C2",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#71B7FB",
            Secondary = "#A8B4C0",
            Tertiary = "#6FCF97",
            AppbarBackground = "#1B1F23",
            Background = "#101214",
            Surface = "#1B1F23",
            DrawerBackground = "#1B1F23",
            TextPrimary = "#E9E9E9",
            TextSecondary = "#B0B7BF",
            Success = "#6FCF97",
            Warning = "#F5C26B",
            Error = "#F28B82",
            Info = "#71B7FB",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = FontStack },
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "8px" },
    };
}
