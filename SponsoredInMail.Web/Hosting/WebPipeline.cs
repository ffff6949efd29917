using SponsoredInMail.Web.Components;
using SponsoredInMail.Web.Endpoints;

namespace SponsoredInMail.Web.Hosting;

public static class WebPipeline
{
    public static WebApplication UseSponsoredInMail(this WebApplication app)
    {
        app.UseSponsoredInMailTransportSecurity();
        // Always the friendly error page with a request id; never a stack trace, in any environment.
        app.UseExceptionHandler("/Error", createScopeForErrors: true);
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseAntiforgery();
        app.UseSponsoredInMailApi();

        app.MapHealthChecks("/health");
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapAdditionalIdentityEndpoints();
        app.MapMatchedListEndpoints();
        app.MapBannerEndpoints();
        app.MapTrackingEndpoints();
        app.MapConversionTagEndpoints();
        app.MapLeadEndpoints();
        app.MapReportEndpoints();
        app.MapAdminInboxEndpoints();
        app.MapSponsoredInMailApi();
        return app;
    }
}
