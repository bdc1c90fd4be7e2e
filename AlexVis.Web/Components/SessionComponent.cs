using AlexVis.Web.Services;
using AlexVis.Web.State;
using Microsoft.AspNetCore.Components;

namespace AlexVis.Web.Components;

/// <summary>
/// Base for everything that renders from the session: it listens to <see cref="IVisualizationSession.Changed"/> (and
/// the student's <see cref="ThemeState"/>) and
/// re-renders only when its own <see cref="RenderKey"/> changes, so a slider step re-renders the panels it affects
/// and nothing else.
/// </summary>
public abstract class SessionComponent : ComponentBase, IDisposable
{
    object? renderedKey;
    bool hasRenderedKey;

    /// <summary>The student's session.</summary>
    [Inject]
    protected IVisualizationSession Session { get; set; } = default!;

    /// <summary>The student's own theme.</summary>
    [Inject]
    protected ThemeState Theme { get; set; } = default!;

    /// <summary>Everything this component's output depends on, as a value (a tuple or record without arrays).</summary>
    protected abstract object RenderKey();

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        Session.Changed += OnSessionChanged;
        Theme.Changed += OnSessionChanged;
    }

    /// <summary>
    /// Renders when the key differs from the one last rendered. The key is recorded here, when the render is decided,
    /// not after it: on Blazor Server OnAfterRender waits for the browser, and changes arriving meanwhile were lost.
    /// </summary>
    protected override bool ShouldRender()
    {
        var key = RenderKey();
        if (hasRenderedKey && Equals(key, renderedKey)) return false;
        renderedKey = key;
        hasRenderedKey = true;
        return true;
    }

    // Session events come from any thread; the comparison runs on the renderer's, after any render already queued.
    void OnSessionChanged() => _ = InvokeAsync(() =>
    {
        if (!hasRenderedKey || !Equals(renderedKey, RenderKey())) StateHasChanged();
    });

    /// <summary>Stops listening to the session.</summary>
    public virtual void Dispose()
    {
        Session.Changed -= OnSessionChanged;
        Theme.Changed -= OnSessionChanged;
        GC.SuppressFinalize(this);
    }
}
