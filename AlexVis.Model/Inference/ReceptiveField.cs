using AlexVis.Model.Network;

namespace AlexVis.Model.Inference;

/// <summary>A rectangle of the 224×224 crop, inclusive on every side.</summary>
/// <param name="Top">First row.</param>
/// <param name="Left">First column.</param>
/// <param name="Bottom">Last row.</param>
/// <param name="Right">Last column.</param>
public readonly record struct PixelRegion(int Top, int Left, int Bottom, int Right)
{
    /// <summary>Rows covered.</summary>
    public int Height => Bottom - Top + 1;

    /// <summary>Columns covered.</summary>
    public int Width => Right - Left + 1;

    /// <summary>True when the pixel at row <paramref name="y"/>, column <paramref name="x"/> lies inside.</summary>
    public bool Contains(int y, int x) => y >= Top && y <= Bottom && x >= Left && x <= Right;
}

/// <summary>The cells of one layer's map in a rectangle, inclusive; empty when <see cref="Count"/> is 0.</summary>
/// <param name="Top">First row.</param>
/// <param name="Left">First column.</param>
/// <param name="Bottom">Last row.</param>
/// <param name="Right">Last column.</param>
public readonly record struct CellRange(int Top, int Left, int Bottom, int Right)
{
    /// <summary>Number of cells.</summary>
    public int Count => Bottom < Top || Right < Left ? 0 : (Bottom - Top + 1) * (Right - Left + 1);
}

/// <summary>
/// Which pixels of the crop a cell of a spatial layer sees, worked back through every window (kernel, stride,
/// padding) from that layer to the input and clipped at each map's edge, since padding sees nothing.
/// AlexNet's windows are square and act on rows and columns alike, so a region is rows × columns.
/// </summary>
public static class ReceptiveField
{
    /// <summary>The crop's pixels that cell (<paramref name="row"/>, <paramref name="column"/>) of a spatial layer depends on.</summary>
    public static PixelRegion Of(LayerInfo layer, int row, int column)
    {
        RequireSpatial(layer);
        if ((uint)row >= (uint)layer.Height || (uint)column >= (uint)layer.Width)
            throw new ArgumentOutOfRangeException(nameof(row), $"{layer.Alias} is {layer.Height}×{layer.Width}; there is no cell ({row}, {column}).");
        var (top, bottom) = Span(layer, row);
        var (left, right) = Span(layer, column);
        return new PixelRegion(top, left, bottom, right);
    }

    /// <summary>Every cell of a spatial layer whose region contains the crop's pixel at row <paramref name="y"/>, column <paramref name="x"/>.</summary>
    public static CellRange Seeing(LayerInfo layer, int y, int x)
    {
        RequireSpatial(layer);
        var (top, bottom) = CellsOver(layer, y);
        var (left, right) = CellsOver(layer, x);
        return new CellRange(top, left, bottom, right);
    }

    /// <summary>The first and last input row that output row <paramref name="index"/> of the layer reads, through every earlier layer.</summary>
    static (int First, int Last) Span(LayerInfo layer, int index)
    {
        int first = index, last = index;
        for (int i = layer.Index; i >= 0; i--)
        {
            var w = AlexNetLayers.All[i].Window;
            int size = i == 0 ? AlexNetLayers.InputSize : AlexNetLayers.All[i - 1].Height;
            first = Math.Max(0, first * w.Stride - w.Padding);
            last = Math.Min(size - 1, last * w.Stride - w.Padding + w.Kernel - 1);
        }
        return (first, last);
    }

    // Spans grow monotonically with the index, so the cells over a pixel are one run; maps are at most 55 wide.
    static (int First, int Last) CellsOver(LayerInfo layer, int pixel)
    {
        int first = -1, last = -2;
        for (int r = 0; r < layer.Height; r++)
        {
            var (a, b) = Span(layer, r);
            if (pixel < a || pixel > b) continue;
            if (first < 0) first = r;
            last = r;
        }
        return first < 0 ? (0, -1) : (first, last);
    }

    static void RequireSpatial(LayerInfo layer)
    {
        if (!layer.IsSpatial)
            throw new ArgumentException($"{layer.Alias} is fully connected: every unit sees the whole crop.", nameof(layer));
    }
}
