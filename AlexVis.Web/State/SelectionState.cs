using AlexVis.Model.Explanation;
using AlexVis.Model.Inference;
using AlexVis.Model.Network;
using AlexVis.Model.Visualization;

namespace AlexVis.Web.State;

/// <summary>What a student looks at in the image shown: the part of a page a classroom room will drive.</summary>
/// <param name="Layer">The selected layer.</param>
/// <param name="Channel">The selected channel of <paramref name="Layer"/>, if any (always one the layer has).</param>
/// <param name="Scale">How the montage maps values to colours.</param>
/// <param name="Colormap">The montage's and the channel heatmap's colours.</param>
/// <param name="Why">The "why" method drawn over the photo, if any.</param>
/// <param name="Class">The class the "why" methods explain; null for the top-1.</param>
/// <param name="Off">The channels switched off (null: none), shown as the network then computes.</param>
/// <param name="Compare">With a second photo: which of A, B or A − B the panels draw; null when not comparing.</param>
public sealed record Selection(LayerInfo Layer, int? Channel, ScaleMode Scale, Colormap Colormap, ExplainMethod? Why = null, int? Class = null,
    Ablation? Off = null, CompareView? Compare = null)
{
    /// <summary>A new page's selection: conv1, no channel, per-channel scale, viridis.</summary>
    public static Selection Initial { get; } = new(AlexNetLayers.Visible[0], null, ScaleMode.PerChannel, Colormap.Viridis);

    /// <summary>The channels switched off (<see cref="Ablation.None"/> when none).</summary>
    public Ablation Ablation => Off ?? Ablation.None;

    /// <summary>This selection with <paramref name="layer"/>, keeping the channel only when the layer has it.</summary>
    public Selection WithLayer(LayerInfo layer) =>
        this with { Layer = layer, Channel = Channel is { } c && c < layer.Channels ? c : null };

    /// <summary>This selection with <paramref name="channel"/>, or with none when the layer has no such channel.</summary>
    public Selection WithChannel(int? channel) =>
        this with { Channel = channel is { } c && c >= 0 && c < Layer.Channels ? c : null };
}

/// <summary>
/// One student's <see cref="Selection"/>, changed only on the circuit's dispatcher; <see cref="Changed"/> is raised
/// once per change that alters it, and never for one that does not.
/// </summary>
public sealed class SelectionState
{
    /// <summary>The selection now.</summary>
    public Selection Current { get; private set; } = Selection.Initial;

    /// <summary>Raised after <see cref="Current"/> changed.</summary>
    public event Action? Changed;

    /// <summary>Selects a layer, keeping the channel when the new layer has it.</summary>
    public void SelectLayer(LayerInfo layer) => Apply(Current.WithLayer(layer));

    /// <summary>Selects a channel of the current layer, or none (a channel the layer lacks selects none).</summary>
    public void SelectChannel(int? channel) => Apply(Current.WithChannel(channel));

    /// <summary>Changes the montage's colour scale.</summary>
    public void SetScale(ScaleMode scale) => Apply(Current with { Scale = scale });

    /// <summary>Changes the colormap.</summary>
    public void SetColormap(Colormap colormap) => Apply(Current with { Colormap = colormap });

    /// <summary>Draws a "why" method over the photo, or none.</summary>
    public void SetWhy(ExplainMethod? method) => Apply(Current with { Why = method });

    /// <summary>Makes a class the one the "why" methods explain (null: the top-1).</summary>
    public void SetClass(int? classIndex) =>
        Apply(Current with { Class = classIndex is int k && k >= 0 && k < AlexNetLayers.ClassCount ? k : null });

    /// <summary>
    /// Switches a channel of the layer's convolution (conv3 for relu3) off, or back on; a layer with no convolution
    /// behind it (the fully connected part) is left as it is.
    /// </summary>
    public void ToggleOff(LayerInfo layer, int channel)
    {
        if (AlexNetLayers.KernelSource(layer) is { } conv && channel >= 0 && channel < conv.Channels)
            Apply(Current with { Off = Current.Ablation.Toggle(conv, channel) });
    }

    /// <summary>Draws A, B or A − B of two compared photos, or stops comparing (null).</summary>
    public void SetCompare(CompareView? view) => Apply(Current with { Compare = view });

    /// <summary>Switches every channel back on.</summary>
    public void RestoreAll() => Apply(Current with { Off = null });

    /// <summary>Takes a whole selection at once (as a room's state arrives): one change, however many parts differ.</summary>
    public void Apply(Selection next)
    {
        next = next.WithChannel(next.Channel);
        if (next.Off is { IsEmpty: true }) next = next with { Off = null }; // one way to say "none", so equal selections compare equal
        if (next == Current) return;
        Current = next;
        Changed?.Invoke();
    }
}
