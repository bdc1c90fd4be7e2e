using AlexVis.Web.Components;
using AlexVis.Web.Extensions;
using AlexVis.Web.Localization;

namespace AlexVis.Web;

/// <summary>Builds the web application; Program.cs and the benchmarks use the same code.</summary>
public static class AlexVisApp
{
    /// <summary>Creates the configured application.</summary>
    /// <param name="args">Command-line arguments (configuration overrides such as --AlexVis:Model:Untrained=true).</param>
    /// <param name="options">Host options, e.g. another content root; null for the defaults.</param>
    /// <param name="webBuildOutput">
    /// When another program hosts the app in its own process (the classroom benchmark), the folder of AlexVis.Web's
    /// build output, whose static-asset manifests describe the page's scripts and styles.
    /// </param>
    public static WebApplication Build(string[] args, WebApplicationOptions? options = null, string? webBuildOutput = null)
    {
        var builder = WebApplication.CreateBuilder(options ?? new WebApplicationOptions { Args = args });
        if (webBuildOutput is not null)
            builder.WebHost.UseSetting(WebHostDefaults.StaticWebAssetsKey, Path.Combine(webBuildOutput, "AlexVis.Web.staticwebassets.runtime.json"));
        // Serve the build output's static web assets in any environment (tests and benchmarks run unpublished
        // builds outside Development); a published app has no manifest and serves wwwroot as usual.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddAlexVis(builder.Configuration);
        var app = builder.Build();

        if (!app.Environment.IsDevelopment())
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseRequestLocalization(Localization.Languages.Options());
        app.UseAntiforgery();
        app.MapStaticAssets(webBuildOutput is null ? null : Path.Combine(webBuildOutput, "AlexVis.Web.staticwebassets.endpoints.json"));
        app.MapAlexVisApi();
        app.MapLanguageSwitch();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.AnnounceUrls();
        return app;
    }
}
