using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Web.Hosting;

/// <summary>Configuration section "Hosting": HTTPS, HSTS, a TLS-terminating proxy in front, data-protection keys at rest.</summary>
public sealed class HostingOptions
{
    public const string Section = "Hosting";

    /// <summary>Outside Development, redirect plain HTTP to HTTPS (needs an HTTPS endpoint or the https_port setting).</summary>
    public bool HttpsRedirection { get; set; } = true;

    /// <summary>Outside Development, send Strict-Transport-Security on HTTPS responses.</summary>
    public bool Hsts { get; set; } = true;

    /// <summary>Behind a proxy that terminates TLS: believe its X-Forwarded-For and X-Forwarded-Proto.</summary>
    public bool ForwardedHeaders { get; set; }

    /// <summary>Comma-separated IP addresses of such proxies besides loopback (whose headers are believed).</summary>
    public string KnownProxies { get; set; } = "";

    /// <summary>A .pfx file whose certificate encrypts the data-protection keys stored in the database; empty = stored unencrypted.</summary>
    public string DataProtectionCertificate { get; set; } = "";

    /// <summary>Password of that .pfx file.</summary>
    public string DataProtectionCertificatePassword { get; set; } = "";
}

public static class TransportSecurity
{
    public static WebApplicationBuilder AddSponsoredInMailTransportSecurity(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(HostingOptions.Section).Get<HostingOptions>() ?? new HostingOptions();
        builder.Services.Configure<HostingOptions>(builder.Configuration.GetSection(HostingOptions.Section));
        builder.Services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            forwarded.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto;
            foreach (var proxy in options.KnownProxies.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }
        });

        // Keys live in the database so that sign-in cookies survive a restart. On Linux and macOS there is no
        // machine-wide key protector (Windows has DPAPI), so ASP.NET warns "No XML encryptor configured" when it
        // creates the first key; a certificate given here encrypts the keys at rest and silences the warning.
        var dataProtection = builder.Services.AddDataProtection().PersistKeysToDbContext<AppDbContext>().SetApplicationName("SponsoredInMail");
        if (options.DataProtectionCertificate is { Length: > 0 } path)
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(
                Path.Combine(builder.Environment.ContentRootPath, path), options.DataProtectionCertificatePassword);
            dataProtection.ProtectKeysWithCertificate(certificate);
        }
        return builder;
    }

    /// <summary>First in the pipeline: the proxy's scheme, then HSTS and the HTTPS redirect outside Development.</summary>
    public static WebApplication UseSponsoredInMailTransportSecurity(this WebApplication app)
    {
        var options = app.Configuration.GetSection(HostingOptions.Section).Get<HostingOptions>() ?? new HostingOptions();
        if (options.ForwardedHeaders)
        {
            app.UseForwardedHeaders();
        }
        if (!app.Environment.IsDevelopment())
        {
            if (options.Hsts)
            {
                app.UseHsts();
            }
            if (options.HttpsRedirection)
            {
                app.UseHttpsRedirection();
            }
        }
        return app;
    }
}
