using AlexVis.Web.Options;
using AlexVis.Web.Services;
using AlexVis.Web.State;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace AlexVis.Web.Tests.Support;

/// <summary>
/// Base of every bUnit test: MudBlazor's services, loose JS interop (plots are drawn by alexvis.js, which bUnit does
/// not run; its calls are recorded), the fake session and the real interop service. Disposed asynchronously because
/// MudBlazor's key interceptor is only IAsyncDisposable.
/// </summary>
public abstract class ComponentTest : BunitContext, IAsyncLifetime
{
    protected ComponentTest()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Module = JSInterop.SetupModule("./js/alexvis.js");
        Module.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddLogging();
        Services.AddSingleton<IVisualizationSession>(Session);
        Services.AddSingleton(Theme);
        Services.AddSingleton<CircuitThread>();
        Services.AddScoped<ExploreInterop>();
        Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new AlexVisOptions()));
    }

    /// <summary>The session the components see.</summary>
    protected FakeSession Session { get; } = new();

    /// <summary>The student's theme, as the components see it.</summary>
    protected ThemeState Theme { get; } = new();

    /// <summary>The alexvis.js module as bUnit records it.</summary>
    protected BunitJSModuleInterop Module { get; }

    /// <summary>Names of the alexvis.js functions called so far.</summary>
    protected IReadOnlyList<string> JsCalls => Module.Invocations.Select(i => i.Identifier).ToList();

    public Task InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => base.DisposeAsync().AsTask();
}
