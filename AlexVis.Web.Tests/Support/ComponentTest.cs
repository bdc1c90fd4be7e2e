using AlexVis.Web.Extensions;
using AlexVis.Web.Services;
using AlexVis.Web.State;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using MudBlazor.Services;

namespace AlexVis.Web.Tests.Support;

/// <summary>
/// Base of every bUnit test: the app's own services (untrained model, the repository's samples, one decoder worker;
/// nothing starts until used), MudBlazor's, and loose JS interop (plots are drawn by the panels' modules, which
/// bUnit does not run; their calls are recorded). Disposed asynchronously because MudBlazor's key interceptor is
/// only IAsyncDisposable.
/// </summary>
public abstract class ComponentTest : BunitContext, IAsyncLifetime
{
    // bUnit's default wait (1 s) is the whole budget for the renderer's dispatcher to run the check at all; in a CI
    // run of the whole suite on two busy cores it once did not run within it. The waits fail only on their bound.
    static ComponentTest() => DefaultWaitTimeout = TimeSpan.FromSeconds(30);

    protected ComponentTest()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AlexVis:Model:Untrained"] = "true",
            ["AlexVis:Samples:Directory"] = Path.Combine(Harness.AppServer.RepositoryRoot(), "samples"),
            ["AlexVis:Decoding:Workers"] = "1",
            ["AlexVis:Decoding:WorkerPath"] = Path.Combine(AppContext.BaseDirectory, "AlexVis.Web.dll"),
        }).Build();
        Services.AddSingleton<IConfiguration>(configuration);
        Services.AddSingleton<IHostEnvironment>(new TestEnvironment());
        Services.AddLogging();
        Services.AddMetrics();
        Services.AddMudServices();
        Services.AddAlexVisCore(configuration);
        // What the server's Blazor registers: the teacher's page keeps its class in the tab's protected session storage.
        Services.AddDataProtection();
        Services.AddScoped<Microsoft.AspNetCore.Components.Server.ProtectedBrowserStorage.ProtectedSessionStorage>();
    }

    /// <summary>The recorded calls to a panel's own module (<c>Panel.razor.js</c>).</summary>
    protected BunitJSModuleInterop ModuleOf<TPanel>() => Module(PlotsInterop.ModulePath(typeof(TPanel)));

    /// <summary>The recorded calls to the shared <c>js/plots.js</c>.</summary>
    protected BunitJSModuleInterop SharedModule => Module(PlotsInterop.SharedModule);

    readonly Dictionary<string, BunitJSModuleInterop> modules = [];

    BunitJSModuleInterop Module(string path)
    {
        if (!modules.TryGetValue(path, out var module))
        {
            modules[path] = module = JSInterop.SetupModule(path);
            module.Mode = JSRuntimeMode.Loose;
        }
        return module;
    }

    /// <summary>Names of the module functions called so far (shared and panels').</summary>
    protected IReadOnlyList<string> JsCalls => modules.Values.SelectMany(m => m.Invocations).Select(i => i.Identifier).ToList();

    /// <summary>The student's theme, as the components see it.</summary>
    protected ThemeState Theme => Services.GetRequiredService<ThemeState>();

    /// <summary>The student's selection, as the page sees it.</summary>
    protected SelectionState Selection => Services.GetRequiredService<SelectionState>();

    /// <summary>The shared figures.</summary>
    protected Figures Figures => Services.GetRequiredService<Figures>();

    /// <summary>Loads the real (untrained) network and starts the queue, for tests that need kernels or traces.</summary>
    protected async Task StartModelAsync()
    {
        var host = Services.GetRequiredService<ModelHost>();
        await host.StartAsync(CancellationToken.None);
        await Services.GetRequiredService<InferenceQueue>().StartAsync(CancellationToken.None);
        await host.Ready.WaitAsync(TimeSpan.FromMinutes(1));
    }

    public Task InitializeAsync()
    {
        // Every module the panels load, set up before they render so their calls are recorded.
        foreach (var panel in typeof(PlotsInterop).Assembly.GetTypes().Where(t => t.Namespace == "AlexVis.Web.Components.Pages.Explore"))
            if (File.Exists(Path.Combine(Harness.AppServer.RepositoryRoot(), "AlexVis.Web", PlotsInterop.ModulePath(panel)[2..])))
                Module(PlotsInterop.ModulePath(panel));
        _ = SharedModule;
        return Task.CompletedTask;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await Services.GetRequiredService<ModelHost>().StopAsync(CancellationToken.None);
        await base.DisposeAsync();
    }

}
