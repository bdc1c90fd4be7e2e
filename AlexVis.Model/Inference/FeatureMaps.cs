using AlexVis.Model.Network;

namespace AlexVis.Model.Inference;

/// <summary>One layer's output for one image: C×H×W floats in row-major order (H = W = 1 for fully connected layers).</summary>
/// <param name="Layer">The layer.</param>
/// <param name="Data">The values, channel after channel, row after row.</param>
public sealed record FeatureMaps(LayerInfo Layer, float[] Data)
{
    /// <summary>Channels, or units of a fully connected layer.</summary>
    public int Channels => Layer.Channels;

    /// <summary>Map height.</summary>
    public int Height => Layer.Height;

    /// <summary>Map width.</summary>
    public int Width => Layer.Width;

    /// <summary>The values of one channel.</summary>
    public ReadOnlySpan<float> Channel(int channel)
    {
        int size = Height * Width;
        return Data.AsSpan(channel * size, size);
    }

    /// <summary>The activation at channel, row, column.</summary>
    public float this[int channel, int row, int column] => Data[(channel * Height + row) * Width + column];

    /// <summary>Minimum, maximum, mean and fraction of exact zeros of one channel.</summary>
    public ChannelStats Stats(int channel) => ChannelStats.Of(Channel(channel));

    /// <summary>Statistics over the whole layer.</summary>
    public ChannelStats LayerStats() => ChannelStats.Of(Data);

    /// <summary>Where the layer's largest value is: the first such cell in channel, row, column order.</summary>
    public (int Channel, int Row, int Column) ArgMax()
    {
        int best = IndexOfMax(Data), plane = Height * Width;
        return (best / plane, best % plane / Width, best % Width);
    }

    /// <summary>One channel's largest value and where it is (its first cell in row-major order).</summary>
    public ChannelPeak Peak(int channel)
    {
        var values = Channel(channel);
        int best = IndexOfMax(values);
        return new ChannelPeak(values[best], best / Width, best % Width);
    }

    // The first index of the largest value, as torch.argmax and max pooling pick it. Optimised at once: called a few
    // thousand times per photo from one place, it stayed in unoptimised tier-0 code in the benchmark (4 ms a photo).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    static int IndexOfMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        float max = values[0];
        for (int i = 1; i < values.Length; i++)
        {
            float v = values[i];
            if (v > max) (best, max) = (i, v);
        }
        return best;
    }
}

/// <summary>Summary statistics of a set of activations.</summary>
/// <param name="Min">Smallest value.</param>
/// <param name="Max">Largest value.</param>
/// <param name="Mean">Arithmetic mean (accumulated in double).</param>
/// <param name="ZeroFraction">Fraction of values that are exactly zero (dead after ReLU).</param>
public readonly record struct ChannelStats(float Min, float Max, double Mean, double ZeroFraction)
{
    /// <summary>Computes the statistics of <paramref name="values"/>.</summary>
    public static ChannelStats Of(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty) return default;
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        double sum = 0;
        int zeros = 0;
        foreach (var v in values)
        {
            if (v < min) min = v;
            if (v > max) max = v;
            sum += v;
            if (v == 0) zeros++;
        }
        return new ChannelStats(min, max, sum / values.Length, (double)zeros / values.Length);
    }
}
