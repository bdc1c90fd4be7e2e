using System.Globalization;
using AlexVis.Model.Network;

namespace AlexVis.Model.Inference;

/// <summary>
/// Channels switched off: for each convolution layer, the filters whose output is set to zero before anything
/// after it runs (so their ReLU and pool are zero too). Immutable; equal ablations have equal <see cref="Key"/>s.
/// </summary>
public sealed class Ablation : IEquatable<Ablation>
{
    readonly SortedDictionary<int, int[]> off;

    Ablation(SortedDictionary<int, int[]> off)
    {
        this.off = off;
        Key = string.Join(';', off.Select(kv => $"{AlexNetLayers.All[kv.Key].Alias}:{string.Join(',', kv.Value)}"));
    }

    /// <summary>Nothing switched off: the network as trained.</summary>
    public static Ablation None { get; } = new(new SortedDictionary<int, int[]>());

    /// <summary>True when no channel is off.</summary>
    public bool IsEmpty => off.Count == 0;

    /// <summary>The canonical text, <c>conv3:5,17,200;conv5:3</c> (layers in forward order, channels ascending); empty for none.</summary>
    public string Key { get; }

    /// <summary>The layers with channels off, in forward order, each with its channels ascending.</summary>
    public IEnumerable<(LayerInfo Layer, IReadOnlyList<int> Channels)> Layers =>
        off.Select(kv => (AlexNetLayers.All[kv.Key], (IReadOnlyList<int>)kv.Value));

    /// <summary>The first layer whose output changes; null when nothing is off.</summary>
    public LayerInfo? First => IsEmpty ? null : AlexNetLayers.All[off.Keys.First()];

    /// <summary>Number of channels off over every layer.</summary>
    public int Count => off.Values.Sum(c => c.Length);

    /// <summary>The channels off in a convolution layer, ascending (empty when none).</summary>
    public IReadOnlyList<int> OffIn(LayerInfo convolution) => off.TryGetValue(convolution.Index, out var c) ? c : [];

    /// <summary>
    /// True when channel <paramref name="channel"/> of <paramref name="layer"/> is zero because of this ablation:
    /// the layer's own convolution (conv3 for conv3, relu3; conv5 for pool5 and avgpool) switched it off.
    /// </summary>
    public bool Silences(LayerInfo layer, int channel) =>
        AlexNetLayers.KernelSource(layer) is { } conv && off.TryGetValue(conv.Index, out var c) && Array.BinarySearch(c, channel) >= 0;

    /// <summary>This ablation with one channel of a convolution switched off, or back on when it was off.</summary>
    public Ablation Toggle(LayerInfo convolution, int channel)
    {
        Check(convolution, channel);
        var channels = new SortedSet<int>(OffIn(convolution));
        if (!channels.Remove(channel)) channels.Add(channel);
        var next = new SortedDictionary<int, int[]>(off);
        if (channels.Count == 0) next.Remove(convolution.Index);
        else next[convolution.Index] = channels.ToArray();
        return new Ablation(next);
    }

    /// <summary>This ablation with every channel of one convolution back on.</summary>
    public Ablation Restore(LayerInfo convolution)
    {
        var next = new SortedDictionary<int, int[]>(off);
        next.Remove(convolution.Index);
        return new Ablation(next);
    }

    /// <summary>Builds an ablation from layers and channels; throws <see cref="ArgumentException"/> naming what does not fit.</summary>
    public static Ablation Of(IEnumerable<(LayerInfo Layer, IEnumerable<int> Channels)> parts)
    {
        var sets = new SortedDictionary<int, SortedSet<int>>();
        foreach (var (layer, channels) in parts)
            foreach (var c in channels)
            {
                Check(layer, c);
                if (!sets.TryGetValue(layer.Index, out var set)) sets[layer.Index] = set = [];
                set.Add(c);
            }
        return new Ablation(new SortedDictionary<int, int[]>(sets.Where(kv => kv.Value.Count > 0).ToDictionary(kv => kv.Key, kv => kv.Value.ToArray())));
    }

    /// <summary>
    /// Parses <c>conv3:5,17,200</c> parts (several joined by <c>;</c>, or given one by one). Throws
    /// <see cref="ArgumentException"/> with a message that says which part is wrong and why.
    /// </summary>
    public static Ablation Parse(params string[] parts)
    {
        var parsed = new List<(LayerInfo, IEnumerable<int>)>();
        foreach (var part in parts.SelectMany(p => p.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var colon = part.IndexOf(':');
            if (colon <= 0 || colon == part.Length - 1)
                throw new ArgumentException($"'{part}' is not LAYER:CHANNELS, e.g. conv3:5,17,200.");
            var layer = AlexNetLayers.Get(part[..colon].Trim());
            var channels = part[(colon + 1)..].Split(',', StringSplitOptions.TrimEntries).Select(text =>
                int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var c)
                    ? c
                    : throw new ArgumentException($"'{text}' in '{part}' is not a channel number.")).ToArray();
            parsed.Add((layer, channels));
        }
        return Of(parsed);
    }

    static void Check(LayerInfo layer, int channel)
    {
        if (layer.Kind != LayerKind.Convolution)
            throw new ArgumentException($"{layer.Alias} is not a convolution layer; switch off channels of conv1 … conv5.");
        if ((uint)channel >= (uint)layer.Channels)
            throw new ArgumentException($"{layer.Alias} has channels 0–{layer.Channels - 1}; there is no channel {channel}.");
    }

    /// <inheritdoc />
    public bool Equals(Ablation? other) => other is not null && other.Key == Key;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Ablation);

    /// <inheritdoc />
    public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);

    /// <inheritdoc />
    public override string ToString() => IsEmpty ? "(none)" : Key;
}
