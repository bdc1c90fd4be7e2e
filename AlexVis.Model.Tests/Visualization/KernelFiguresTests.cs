using AlexVis.Model.Inference;
using AlexVis.Model.Network;
using AlexVis.Model.Visualization;

namespace AlexVis.Model.Tests.Visualization;

public class KernelFiguresTests
{
    static readonly LayerInfo conv = new(0, "features.0", "conv1", LayerKind.Convolution, [2, 2, 1], Window.Identity);

    [Fact]
    public void Colour_filters_are_min_max_normalised_per_filter()
    {
        // Two 2×1 filters over RGB, side by side. Filter 0 spans [-1, 1]: R rows (-1, 1) → (0, 255), G = 0 → 128,
        // B rows (1, -1) → (255, 0). Filter 1 is constant: drawn mid-grey.
        float[] w = [-1, 1, 0, 0, 1, -1, 5, 5, 5, 5, 5, 5];
        var k = new ConvKernels(conv, 2, 3, 2, 1, w, [0, 0]);
        var (img, layout) = KernelFigures.ColourFilters(k, background: (9, 9, 9));
        Assert.Equal((2, 1), (layout.Columns, layout.Rows));
        Assert.Equal((3, 2), (img.Width, img.Height));
        Assert.Equal((0, 128, 255), img[0, 0]);
        Assert.Equal((255, 128, 0), img[0, 1]);
        Assert.Equal((9, 9, 9), img[1, 0]);
        Assert.Equal((128, 128, 128), img[2, 1]);
    }

    [Fact]
    public void One_colour_filter_is_drawn_as_its_tile_in_the_montage()
    {
        float[] w = [-1, 1, 0, 0, 1, -1, 5, 5, 5, 5, 5, 5];
        var k = new ConvKernels(conv, 2, 3, 2, 1, w, [0, 0]);
        var first = KernelFigures.ColourFilter(k, 0);
        Assert.Equal((1, 2), (first.Width, first.Height));
        Assert.Equal((0, 128, 255), first[0, 0]);
        Assert.Equal((255, 128, 0), first[0, 1]);
        Assert.Equal((128, 128, 128), KernelFigures.ColourFilter(k, 1)[0, 1]);
    }

    [Fact]
    public void A_window_of_the_crop_is_black_where_it_hangs_over_the_edge()
    {
        // A 3×2 image whose pixel (x, y) is (10x + y, 0, 1): the 3×3 window at row −1, column 1 sees columns 1–2 of rows 0–1.
        var px = new byte[3 * 2 * 3];
        for (int y = 0; y < 2; y++)
            for (int x = 0; x < 3; x++)
                (px[(y * 3 + x) * 3], px[(y * 3 + x) * 3 + 2]) = ((byte)(10 * x + y), 1);
        var window = KernelFigures.Window(new AlexVis.Model.Imaging.RgbImage(3, 2, px), -1, 1, 3);
        Assert.Equal((0, 0, 0), window[0, 0]);     // row −1: padding
        Assert.Equal((10, 0, 1), window[0, 1]);   // row 0, column 1
        Assert.Equal((21, 0, 1), window[1, 2]);   // row 1, column 2
        Assert.Equal((0, 0, 0), window[2, 1]);    // column 3: padding
    }

    [Fact]
    public void Colour_filters_need_three_input_channels() =>
        Assert.Throws<ArgumentException>(() => KernelFigures.ColourFilters(new ConvKernels(conv, 1, 2, 1, 1, [1, 2], [0])));

    [Fact]
    public void Slice_pages_lay_out_each_filters_channels_in_blocks()
    {
        // 3 filters, 4 input channels of 1×1: each filter is a 2×2 block of slices; filter f channel c has weight 10f + c.
        var w = Enumerable.Range(0, 3).SelectMany(f => Enumerable.Range(0, 4).Select(c => 10f * f + c)).ToArray();
        var k = new ConvKernels(conv, 3, 4, 1, 1, w, [0, 0, 0]);
        var page = KernelFigures.Slices(k, first: 1, count: 5);
        Assert.Equal(1, page.FirstFilter);
        Assert.Equal(2, page.Filters.Channels); // only filters 1 and 2 remain
        Assert.Equal((2, 2), (page.Slices.Columns, page.Slices.Rows));
        var (ox, oy) = page.Filters.Origin(1);
        Assert.Equal((2, 2), page.Slices.Origin(3)); // channel 3: the bottom-right slice of a block
        Assert.Equal(254, page.Levels[(oy + 2) * page.Filters.Width + ox + 2]); // its largest weight
        Assert.Equal(0, page.Levels[oy * page.Filters.Width + ox]);             // channel 0, its smallest
        Assert.Equal(255, page.Levels[oy * page.Filters.Width + ox + 1]); // the gap between slices
    }
}

public class KernelFigureLevelsTests
{
    [Fact]
    public void Slice_pages_can_use_fewer_grey_levels()
    {
        var conv = new LayerInfo(3, "features.3", "conv2", LayerKind.Convolution, [1, 1, 1], Window.Identity);
        var k = new ConvKernels(conv, 1, 1, 1, 3, [0f, 0.5f, 1f], [0f]);
        var page = KernelFigures.Slices(k, 0, 1, topLevel: 31);
        Assert.Equal(new byte[] { 0, 16, 31 }, page.Levels); // round(0.5 · 31) = 16
        var drawn = KernelFigures.Draw(page);
        Assert.Equal((255, 255, 255), drawn[2, 0]);
    }
}
