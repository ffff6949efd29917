// Runs the example client against an installation of SponsoredInMail:
//   dotnet run --project docs/api -- http://localhost:5000 sim_…
// The token is a read-write API token of the account (created on its API tokens page). SIM_API_TOKEN may hold it
// instead of the command line, which keeps it out of the shell's history.

using System.Net.Http.Headers;
using SponsoredInMail.ApiExample;

var baseUrl = args.Length > 0 ? args[0] : "http://localhost:5000";
var token = args.Length > 1 ? args[1] : Environment.GetEnvironmentVariable("SIM_API_TOKEN");
if (string.IsNullOrWhiteSpace(token) || !Uri.TryCreate(baseUrl, UriKind.Absolute, out var baseAddress))
{
    Console.Error.WriteLine("Usage: dotnet run --project docs/api -- <base URL, e.g. http://localhost:5000> <read-write API token sim_…>");
    return 64;
}

using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
try
{
    return await ExampleClient.RunAsync(http, Console.Out, cancel.Token);
}
catch (HttpRequestException e)
{
    Console.Error.WriteLine($"Could not reach {baseAddress}: {e.Message}");
    return 1;
}
