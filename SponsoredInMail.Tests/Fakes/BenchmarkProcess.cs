using System.Diagnostics;

namespace SponsoredInMail.Tests.Fakes;

/// <summary>Starts the benchmark program (built beside the tests) as a child process, for crash tests that kill it.</summary>
public static class BenchmarkProcess
{
    public static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Dll());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        return Process.Start(start)!;
    }

    /// <summary>The benchmark program built beside this test assembly (same configuration).</summary>
    public static string Dll()
    {
        var here = AppContext.BaseDirectory; // …/SponsoredInMail.Tests/bin/{Configuration}/net10.0/
        var framework = Path.GetFileName(Path.TrimEndingDirectorySeparator(here));
        var configuration = Path.GetFileName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(here)));
        var root = Path.GetFullPath(Path.Combine(here, "..", "..", "..", ".."));
        var dll = Path.Combine(root, "SponsoredInMail.Benchmarks", "bin", configuration!, framework, "SponsoredInMail.Benchmarks.dll");
        File.Exists(dll).ShouldBeTrue($"build the solution first: {dll} is missing");
        return dll;
    }
}
