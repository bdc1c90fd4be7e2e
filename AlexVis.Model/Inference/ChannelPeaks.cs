using AlexVis.Model.Network;

namespace AlexVis.Model.Inference;

/// <summary>A channel's strongest cell in one photo: its value and where it is (the first such cell in row-major order).</summary>
/// <param name="Max">The largest activation of the channel's map.</param>
/// <param name="Row">Its row.</param>
/// <param name="Column">Its column.</param>
public readonly record struct ChannelPeak(float Max, int Row, int Column);

/// <summary>
/// For one photo, every spatial layer's every channel's <see cref="ChannelPeak"/>: about 3,000 numbers kept from a
/// trace of about a million, so a class's photos can be ranked for any channel without keeping their traces.
/// </summary>
public sealed class ChannelPeaks
{
    readonly ChannelPeak[][] peaks; // by layer index (empty for fully connected layers), then channel

    ChannelPeaks(ChannelPeak[][] peaks) => this.peaks = peaks;

    /// <summary>The peaks of every channel of every spatial layer of a trace.</summary>
    public static ChannelPeaks Of(ActivationTrace trace)
    {
        var all = new ChannelPeak[AlexNetLayers.All.Count][];
        foreach (var layer in AlexNetLayers.All)
        {
            if (!layer.IsSpatial)
            {
                all[layer.Index] = [];
                continue;
            }
            var maps = trace[layer];
            all[layer.Index] = Enumerable.Range(0, layer.Channels).Select(maps.Peak).ToArray();
        }
        return new ChannelPeaks(all);
    }

    /// <summary>The peak of one channel of a spatial layer.</summary>
    public ChannelPeak this[LayerInfo layer, int channel]
    {
        get
        {
            if (!layer.IsSpatial) throw new ArgumentException($"{layer.Alias} is fully connected: its units have no map to peak in.", nameof(layer));
            return peaks[layer.Index][channel];
        }
    }
}

/// <summary>One photo's place in a channel's ranking: its peak and the part of the crop the peak cell sees.</summary>
/// <param name="Key">The photo, as the caller named it.</param>
/// <param name="Peak">The channel's strongest cell in this photo.</param>
/// <param name="Region">The crop's pixels that cell sees.</param>
public sealed record RankedPhoto(string Key, ChannelPeak Peak, PixelRegion Region);

/// <summary>
/// Zeiler and Fergus's Figure 2 from any set of photos: the photos that drive one channel most, each cropped to the
/// receptive field of its strongest cell ("Visualizing and Understanding Convolutional Networks", arXiv 1311.2901).
/// </summary>
public static class PhotoRanking
{
    /// <summary>
    /// The <paramref name="count"/> photos whose <paramref name="channel"/> of <paramref name="layer"/> peaks highest,
    /// best first; photos that tie keep the order they were given in.
    /// </summary>
    public static IReadOnlyList<RankedPhoto> Rank(IEnumerable<(string Key, ChannelPeaks Peaks)> photos, LayerInfo layer, int channel, int count = 9)
    {
        if ((uint)channel >= (uint)layer.Channels)
            throw new ArgumentOutOfRangeException(nameof(channel), $"{layer.Alias} has channels 0–{layer.Channels - 1}.");
        return photos
            .Select(p => (p.Key, Peak: p.Peaks[layer, channel]))
            .OrderByDescending(p => p.Peak.Max) // a stable sort: ties keep their order
            .Take(count)
            .Select(p => new RankedPhoto(p.Key, p.Peak, ReceptiveField.Of(layer, p.Peak.Row, p.Peak.Column)))
            .ToArray();
    }
}
