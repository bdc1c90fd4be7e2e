using AlexVis.Web.Services;
using Microsoft.AspNetCore.Components;

namespace AlexVis.Web.Components;

/// <summary>
/// Base for everything that renders from the session: it listens to <see cref="IVisualizationSession.Changed"/> and
/// re-renders only when its own <see cref="RenderKey"/> changes, so a slider step re-renders the panels it affects
/// and nothing else.
/// </summary>
public abstract class SessionComponent : ComponentBase, IDisposable
{
    object? renderedKey;
    bool rendered;

    /// <summary>The student's session.</summary>
    [Inject]
    protected IVisualizationSession Session { get; set; } = default!;

    /// <summary>Everything this component's output depends on, as a value (a tuple or record without arrays).</summary>
    protected abstract object RenderKey();

    /// <inheritdoc />
    protected override void OnInitialized() => Session.Changed += OnSessionChanged;

    /// <inheritdoc />
    protected override bool ShouldRender() => !rendered || !Equals(renderedKey, RenderKey());

    /// <inheritdoc />
    protected override void OnAfterRender(bool firstRender)
    {
        rendered = true;
        renderedKey = RenderKey();
    }

    void OnSessionChanged()
    {
        if (!Equals(renderedKey, RenderKey())) _ = InvokeAsync(StateHasChanged);
    }

    /// <summary>Stops listening to the session.</summary>
    public virtual void Dispose()
    {
        Session.Changed -= OnSessionChanged;
        GC.SuppressFinalize(this);
    }
}
