using AlexVis.Model.Inference;
using AlexVis.Model.Network;

namespace AlexVis.Model.Tests.Inference;

public class FeatureMapsTests
{
    [Fact]
    public void The_largest_cell_is_found_by_channel_row_and_column_and_a_tie_keeps_the_first()
    {
        // Two 2×3 channels; 7 appears at channel 1, row 0, column 2 and again at channel 1, row 1, column 1.
        var maps = new FeatureMaps(new LayerInfo(0, "t", "t", LayerKind.Convolution, [2, 2, 3], Window.Identity),
            [1, 2, 3, 4, 5, 6, 0, 0, 7, 0, 7, -1]);
        Assert.Equal((1, 0, 2), maps.ArgMax());
        Assert.Equal(7f, maps[1, 0, 2]);
    }
}
