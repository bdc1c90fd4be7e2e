namespace AlexVis.Model.Visualization;

/// <summary>
/// Where each channel's tile sits in a montage: a grid of equal tiles separated by gaps. The browser uses the same
/// numbers to turn a hovered pixel back into channel, row and column.
/// </summary>
/// <param name="Channels">Number of tiles.</param>
/// <param name="TileWidth">Tile width in cells.</param>
/// <param name="TileHeight">Tile height in cells.</param>
/// <param name="Columns">Tiles per row.</param>
/// <param name="Gap">Cells between tiles.</param>
public sealed record MontageLayout(int Channels, int TileWidth, int TileHeight, int Columns, int Gap)
{
    /// <summary>Tile rows.</summary>
    public int Rows => (Channels + Columns - 1) / Columns;

    /// <summary>Montage width in cells.</summary>
    public int Width => Columns * TileWidth + (Columns - 1) * Gap;

    /// <summary>Montage height in cells.</summary>
    public int Height => Rows * TileHeight + (Rows - 1) * Gap;

    /// <summary>A near-square grid for <paramref name="channels"/> tiles of the given size.</summary>
    public static MontageLayout For(int channels, int tileWidth, int tileHeight, int gap = 1)
    {
        if (channels < 1 || tileWidth < 1 || tileHeight < 1) throw new ArgumentOutOfRangeException(nameof(channels));
        // Choose the column count whose montage is closest to square.
        int best = 1;
        double bestScore = double.MaxValue;
        for (int columns = 1; columns <= channels; columns++)
        {
            int rows = (channels + columns - 1) / columns;
            double w = columns * (tileWidth + gap), h = rows * (tileHeight + gap);
            double score = Math.Abs(Math.Log(w / h)) + 0.02 * (rows * columns - channels) / channels;
            if (score < bestScore) { bestScore = score; best = columns; }
        }
        return new MontageLayout(channels, tileWidth, tileHeight, best, gap);
    }

    /// <summary>The top-left cell of a channel's tile.</summary>
    public (int X, int Y) Origin(int channel) =>
        ((channel % Columns) * (TileWidth + Gap), (channel / Columns) * (TileHeight + Gap));
}
