using SponsoredInMail.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddSponsoredInMail();
var app = builder.Build();

if (SeedCommand.IsRequested(args))
{
    return await SeedCommand.RunAsync(args, app.Services);
}

await app.Services.PrepareDatabaseAsync(app.Logger);
app.UseSponsoredInMail();
await app.RunAsync();
return 0;

/// <summary>Entry point; public so WebApplicationFactory can start the app in tests.</summary>
public partial class Program;
