using AlexVis.Harness;
using AlexVis.Web;
using AlexVis.Web.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace AlexVis.Bench;

/// <summary>
/// The Release app hosted in the bench's own process (untrained model, the bundled samples, warnings only), so a
/// bench can drive circuits' services directly beside real Chromium pages; <c>--AlexVis:...</c> arguments are passed on.
/// </summary>
static class InProcessApp
{
    /// <summary>Starts the app on a free loopback port, once the model is loaded and the decoders are warm.</summary>
    public static async Task<(WebApplication App, string Url)> StartAsync(string[] args)
    {
        Stats.RuntimeSettings(); // the app runs in this process, with the bench's runtime settings
        var webOutput = Path.GetDirectoryName(AppServer.WebDll("Release"))!;
        var url = $"http://127.0.0.1:{AppServer.FreePort()}";
        string[] settings =
        [
            "--urls", url,
            "--AlexVis:Model:Untrained=true",
            "--AlexVis:Samples:Directory=" + Path.Combine(AppServer.RepositoryRoot(), "samples"),
            "--Logging:LogLevel:Default=Warning",
            .. args.Where(a => a.StartsWith("--AlexVis:", StringComparison.Ordinal)), // settings to try, e.g. --AlexVis:Inference:ThreadsPerJob=1
        ];
        var app = AlexVisApp.Build(settings, new WebApplicationOptions
        {
            Args = settings,
            ApplicationName = "AlexVis.Web",
            ContentRootPath = webOutput,
            EnvironmentName = "Production",
        }, webOutput);
        await app.StartAsync();
        await app.Services.GetRequiredService<ModelHost>().Ready;
        await app.Services.GetRequiredService<AlexVis.Model.Imaging.Isolation.DecoderPool>().WaitUntilWarmAsync();
        return (app, url);
    }
}
