using AlexVis.Model.Inference;
using AlexVis.Model.Network;
using AlexVis.Model.Visualization;

namespace AlexVis.Model.Tests.Visualization;

public class MontageTests
{
    [Fact]
    public void Conv1_tiles_into_an_eight_by_eight_grid()
    {
        var layout = MontageLayout.For(64, 55, 55);
        Assert.Equal((8, 8), (layout.Columns, layout.Rows));
        Assert.Equal((447, 447), (layout.Width, layout.Height));
        Assert.Equal((56 * 3, 56 * 2), layout.Origin(19)); // channel 19: tile row 2, column 3
    }

    [Fact]
    public void A_grid_with_an_incomplete_last_row_places_the_last_tile_first_in_its_row()
    {
        var layout = MontageLayout.For(5, 2, 2); // 3 columns × 2 rows for 5 tiles
        Assert.Equal((3, 2), (layout.Columns, layout.Rows));
        Assert.Equal((3, 3), layout.Origin(4));
        Assert.Equal((8, 5), (layout.Width, layout.Height));
    }

    // Two channels of 2 rows × 1 column sit side by side (3 × 2 cells is closer to square than 1 × 5).
    // Cell order in the levels: row 0 = [ch0 r0, gap, ch1 r0], row 1 = [ch0 r1, gap, ch1 r1].
    static FeatureMaps Maps(params float[] values) =>
        new(new LayerInfo(0, "t", "t", LayerKind.Convolution, [2, 2, 1], Window.Identity), values);

    [Fact]
    public void Per_channel_scaling_stretches_each_tile_to_the_full_range()
    {
        // Channel 0: [0, 2] → levels 0, 254; channel 1: [10, 15] → 0, 254. Gap column between them.
        var m = Montage.Quantise(Maps(0, 2, 10, 15), ScaleMode.PerChannel);
        Assert.Equal(new byte[] { 0, 255, 0, 254, 255, 254 }, m.Levels);
        Assert.Equal(new[] { 0f, 10f }, m.Low);
        Assert.Equal(new[] { 2f, 15f }, m.High);
    }

    [Fact]
    public void Per_layer_scaling_shares_one_range()
    {
        // Range [0, 15]: 2 → round(2/15·254) = 34, 10 → 169.
        var m = Montage.Quantise(Maps(0, 2, 10, 15), ScaleMode.PerLayer);
        Assert.Equal(new byte[] { 0, 255, 169, 34, 255, 254 }, m.Levels);
    }

    [Fact]
    public void Global_scaling_uses_the_given_range_and_clamps()
    {
        var m = Montage.Quantise(Maps(-5, 2, 10, 15), ScaleMode.Global, (0f, 10f));
        Assert.Equal(new byte[] { 0, 255, 254, 51, 255, 254 }, m.Levels);
        Assert.Throws<ArgumentException>(() => Montage.Quantise(Maps(0, 0, 0, 0), ScaleMode.Global));
    }

    [Fact]
    public void A_dead_channel_is_drawn_at_the_bottom_of_the_scale()
    {
        var m = Montage.Quantise(Maps(0, 0, 1, 3), ScaleMode.PerChannel);
        Assert.Equal(new byte[] { 0, 255, 0, 0, 255, 254 }, m.Levels);
    }

    [Fact]
    public void Fully_connected_layers_become_one_near_square_tile()
    {
        var fc = new FeatureMaps(AlexNetLayers.Get("fc8"), Enumerable.Range(0, 1000).Select(i => (float)i).ToArray());
        var m = Montage.Quantise(fc, ScaleMode.PerChannel);
        Assert.Equal((32, 32), (m.Layout.Width, m.Layout.Height)); // 1000 units in 32 × 32, 24 cells of padding
        Assert.Equal(254, m.Levels[999]);
        Assert.Equal(0, m.Levels[1000]);
    }

    [Fact]
    public void Colourise_draws_levels_through_the_colormap_and_gaps_in_the_background()
    {
        var m = Montage.Quantise(Maps(0, 2, 10, 15), ScaleMode.PerChannel);
        var img = Montage.Colourise(m, Colormap.Viridis, scale: 2, background: (1, 2, 3));
        Assert.Equal((6, 4), (img.Width, img.Height));
        Assert.Equal((68, 1, 84), img[1, 1]);      // channel 0, row 0: viridis at 0
        Assert.Equal((253, 231, 37), img[5, 3]);   // channel 1, row 1: viridis at 255
        Assert.Equal((1, 2, 3), img[2, 0]);        // gap
        Assert.Equal((1, 2, 3), img[3, 3]);
    }
}

public class MontageLevelsTests
{
    [Fact]
    public void Fewer_levels_for_the_browser_still_span_the_colormap()
    {
        var maps = new FeatureMaps(new LayerInfo(0, "t", "t", LayerKind.Convolution, [1, 1, 3], Window.Identity), [0, 1, 2]);
        var m = Montage.Quantise(maps, ScaleMode.PerChannel, topLevel: 127);
        Assert.Equal(new byte[] { 0, 64, 127 }, m.Levels); // round(0.5 · 127) = 64
        var img = Montage.Colourise(m, Colormap.Grey);
        Assert.Equal((0, 0, 0), img[0, 0]);
        Assert.Equal((128, 128, 128), img[1, 0]); // 64 · 255 / 127 = 128
        Assert.Equal((255, 255, 255), img[2, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => Montage.Quantise(maps, ScaleMode.PerChannel, topLevel: 255));
    }
}
