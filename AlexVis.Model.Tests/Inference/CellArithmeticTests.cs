using AlexVis.Model.Imaging;
using AlexVis.Model.Inference;
using AlexVis.Model.Network;
using AlexVis.Model.Tests.Support;

namespace AlexVis.Model.Tests.Inference;

/// <summary>The worked conv1 sum and the source of ReLU and pool cells.</summary>
[Collection(ModelCollection.Name)]
public class CellArithmeticTests(UntrainedModel fixture)
{
    [Fact]
    public void A_hand_set_filter_sums_only_the_pixels_inside_the_crop()
    {
        // Every input value 0.5, every weight 2, bias −1: a cell inside sums 3·11·11 terms of 1; the corner cell's
        // window hangs two rows and two columns over the padding, so only 3·9·9 terms count.
        var input = new ModelInput(Enumerable.Repeat(0.5f, ModelInput.Length).ToArray(), new RgbImage(224, 224, new byte[224 * 224 * 3]));
        var conv1 = AlexNetLayers.Get("conv1");
        var kernels = new ConvKernels(conv1, 2, 3, 11, 11, Enumerable.Repeat(2f, 2 * 363).ToArray(), [0f, -1f]);
        var inside = CellArithmetic.Conv1(input, kernels, 1, 10, 20);
        Assert.Equal(363 - 1, inside.Value);
        Assert.Equal((38, 78), (inside.Top, inside.Left));
        var corner = CellArithmetic.Conv1(input, kernels, 1, 0, 0);
        Assert.Equal(243 - 1, corner.Value);
        Assert.Equal((-2, -2), (corner.Top, corner.Left));
        Assert.Equal(0f, corner.Patch[0]); // row −2, column −2: padding
        Assert.Equal(0.5f, corner.Patch[2 * 11 + 2]);
    }

    [Fact]
    public void The_conv1_sum_equals_the_activation_the_network_computed_within_1e_5()
    {
        var input = OracleImage.Load("chelsea").Input();
        var trace = fixture.Model.Trace(input);
        var kernels = fixture.Model.Kernels("conv1");
        var maps = trace["conv1"];
        foreach (var (channel, row, column) in new[] { (0, 0, 0), (5, 27, 27), (17, 54, 3), (63, 40, 54), (31, 12, 30) })
        {
            var sum = CellArithmetic.Conv1(input, kernels, channel, row, column);
            float shown = maps[channel, row, column];
            Assert.True(Math.Abs(sum.Value - shown) <= 1e-5, $"conv1 {channel} ({row}, {column}): {sum.Value} by hand vs {shown}");
            Assert.Equal(kernels.Bias[channel], sum.Bias);
            Assert.Equal(363, sum.Patch.Length);
        }
    }

    [Fact]
    public void A_pool_cell_comes_from_the_first_maximum_of_its_window_and_a_relu_cell_from_the_same_cell()
    {
        var trace = fixture.Model.Trace(OracleImage.Load("coffee").Input());
        foreach (var alias in new[] { "pool1", "pool2", "pool5" })
        {
            var pool = AlexNetLayers.Get(alias);
            var below = trace.Layers[pool.Index - 1];
            foreach (var (c, r, col) in new[] { (0, 0, 0), (3, 2, 4), (pool.Channels - 1, pool.Height - 1, pool.Width - 1) })
            {
                var source = CellArithmetic.Source(trace, pool, c, r, col)!;
                Assert.Equal(trace[pool][c, r, col], source.Value);
                Assert.Equal(below[c, source.Row, source.Column], source.Value);
                Assert.InRange(source.Row, r * 2, r * 2 + 2);
                Assert.InRange(source.Column, col * 2, col * 2 + 2);
                for (int y = r * 2; y <= r * 2 + 2; y++)
                    for (int x = col * 2; x <= col * 2 + 2; x++)
                        if ((y, x).CompareTo((source.Row, source.Column)) < 0)
                            Assert.True(below[c, y, x] < source.Value, $"{alias}: an earlier cell ({y}, {x}) ties the max");
            }
        }
        var relu3 = AlexNetLayers.Get("relu3");
        var fromConv = CellArithmetic.Source(trace, relu3, 7, 6, 6)!;
        Assert.Equal("conv3", fromConv.Layer.Alias);
        Assert.Equal(trace[relu3][7, 6, 6], Math.Max(0, fromConv.Value));
        Assert.Null(CellArithmetic.Source(trace, AlexNetLayers.Get("conv2"), 0, 0, 0));
    }
}
