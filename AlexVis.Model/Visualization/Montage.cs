using AlexVis.Model.Inference;

namespace AlexVis.Model.Visualization;

/// <summary>How activations map to colours.</summary>
public enum ScaleMode
{
    /// <summary>Each channel from its own minimum to maximum: shows every map's pattern, hides their relative strength.</summary>
    PerChannel,
    /// <summary>One range for the whole layer: strong and weak channels side by side.</summary>
    PerLayer,
    /// <summary>One range for every layer of the image: how activations grow or shrink through the network.</summary>
    Global,
}

/// <summary>A montage quantised to levels 0–<paramref name="TopLevel"/> (255 marks gaps), with the value range each tile was scaled by.</summary>
/// <param name="Layout">Tile positions.</param>
/// <param name="Levels">Width × Height levels, row-major.</param>
/// <param name="Low">Per channel: the value drawn as level 0.</param>
/// <param name="High">Per channel: the value drawn as <paramref name="TopLevel"/>.</param>
/// <param name="TopLevel">The highest level (254 for figures; fewer levels compress better for the browser).</param>
public sealed record QuantisedMontage(MontageLayout Layout, byte[] Levels, float[] Low, float[] High, int TopLevel = QuantisedMontage.MaxTopLevel)
{
    /// <summary>The level reserved for the gaps between tiles.</summary>
    public const byte GapLevel = 255;

    /// <summary>The highest level any montage can use.</summary>
    public const int MaxTopLevel = 254;
}

/// <summary>Builds feature-map montages: every channel of a layer as one tile of one image.</summary>
public static class Montage
{
    /// <summary>Lays out and quantises a spatial layer's maps (fully connected layers become one square-ish tile).</summary>
    /// <param name="maps">The layer output.</param>
    /// <param name="mode">Colour scale.</param>
    /// <param name="globalRange">Range over all layers, required for <see cref="ScaleMode.Global"/>.</param>
    /// <param name="gap">Cells between tiles.</param>
    /// <param name="topLevel">Highest level, 1–254: 254 keeps every 8-bit level, 127 halves the PNG entropy.</param>
    /// <param name="symmetric">Centre every range on zero (−m … m, m the larger magnitude), so zero is the middle level: for differences.</param>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static QuantisedMontage Quantise(FeatureMaps maps, ScaleMode mode, (float Min, float Max)? globalRange = null, int gap = 1,
        int topLevel = QuantisedMontage.MaxTopLevel, bool symmetric = false)
    {
        if (topLevel is < 1 or > QuantisedMontage.MaxTopLevel) throw new ArgumentOutOfRangeException(nameof(topLevel));
        var (channels, h, w, data) = maps.Layer.IsSpatial
            ? (maps.Channels, maps.Height, maps.Width, maps.Data)
            : AsStrip(maps);
        var layout = MontageLayout.For(channels, w, h, channels == 1 ? 0 : gap);
        var levels = new byte[layout.Width * layout.Height];
        Array.Fill(levels, QuantisedMontage.GapLevel);
        var low = new float[channels];
        var high = new float[channels];
        var layerStats = mode == ScaleMode.PerLayer ? ChannelStats.Of(data) : default;
        for (int c = 0; c < channels; c++)
        {
            var values = data.AsSpan(c * h * w, h * w);
            (low[c], high[c]) = mode switch
            {
                ScaleMode.PerChannel => Range(ChannelStats.Of(values)),
                ScaleMode.PerLayer => Range(layerStats),
                _ => globalRange ?? throw new ArgumentException("Global scaling needs the range over all layers.", nameof(globalRange)),
            };
            if (symmetric)
            {
                float m = Math.Max(Math.Abs(low[c]), Math.Abs(high[c]));
                (low[c], high[c]) = (-m, m);
            }
            var (ox, oy) = layout.Origin(c);
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    levels[(oy + y) * layout.Width + ox + x] = Level(values[y * w + x], low[c], high[c], topLevel);
        }
        return new QuantisedMontage(layout, levels, low, high, topLevel);
    }

    /// <summary>The range of every spatial layer's activations together, for <see cref="ScaleMode.Global"/>.</summary>
    public static (float Min, float Max) GlobalRange(ActivationTrace trace)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (var layer in trace.Layers.Where(l => l.Layer.IsSpatial))
        {
            var s = layer.LayerStats();
            min = Math.Min(min, s.Min);
            max = Math.Max(max, s.Max);
        }
        return (min, max);
    }

    /// <summary>The level 0–<paramref name="topLevel"/> of <paramref name="v"/> between low and high; a flat range maps to the middle (or 0 for all-zero maps).</summary>
    public static byte Level(float v, float low, float high, int topLevel = QuantisedMontage.MaxTopLevel)
    {
        if (!(high > low)) return (byte)(v == 0 && low == 0 ? 0 : topLevel / 2);
        double t = (v - (double)low) / ((double)high - low);
        return (byte)Math.Clamp((int)Math.Round(t * topLevel), 0, topLevel);
    }

    /// <summary>Colours a quantised montage, each cell drawn as scale × scale pixels; gaps in <paramref name="background"/>.</summary>
    public static Imaging.RgbImage Colourise(QuantisedMontage montage, Colormap map, int scale = 1, (byte R, byte G, byte B)? background = null)
    {
        var bg = background ?? (255, 255, 255);
        var lut = Colormaps.Lut(map);
        var layout = montage.Layout;
        int width = layout.Width * scale, height = layout.Height * scale;
        var px = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                byte level = montage.Levels[(y / scale) * layout.Width + x / scale];
                int o = (y * width + x) * 3;
                if (level == QuantisedMontage.GapLevel) { px[o] = bg.R; px[o + 1] = bg.G; px[o + 2] = bg.B; }
                else
                {
                    int l = level * 255 / montage.TopLevel;
                    px[o] = lut[l * 3]; px[o + 1] = lut[l * 3 + 1]; px[o + 2] = lut[l * 3 + 2];
                }
            }
        return new Imaging.RgbImage(width, height, px);
    }

    /// <summary>A fully connected layer as one tile: units laid out row by row in a near-square rectangle (padding repeats nothing: it is gap).</summary>
    static (int Channels, int H, int W, float[] Data) AsStrip(FeatureMaps maps)
    {
        int n = maps.Data.Length;
        int w = (int)Math.Ceiling(Math.Sqrt(n));
        int h = (n + w - 1) / w;
        if (w * h == n) return (1, h, w, maps.Data);
        // Pad with the minimum so the range is unaffected; the browser knows n and treats the tail as empty.
        var padded = new float[w * h];
        maps.Data.CopyTo(padded, 0);
        var min = maps.Data.Min();
        Array.Fill(padded, min, n, w * h - n);
        return (1, h, w, padded);
    }

    static (float, float) Range(ChannelStats s) => (s.Min, s.Max);
}
