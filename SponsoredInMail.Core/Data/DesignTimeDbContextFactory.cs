using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.DependencyInjection;

namespace SponsoredInMail.Core.Data;

/// <summary>Lets `dotnet ef migrations add` build the same model as the app without starting it.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext(string[] args)
    {
        var services = new ServiceCollection().AddSponsoredInMailData("Data Source=design-time.db").BuildServiceProvider();
        return services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();
    }
}
