using AlexVis.Model.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace AlexVis.Model.Tests.Network;

/// <summary>The one-image linear layer split by rows: the values of functional.linear to the bit, in every mode a forward runs in.</summary>
public class RowParallelLinearTests
{
    public RowParallelLinearTests() => TorchRuntime.Initialise(2);

    [Fact]
    public void Each_block_of_rows_gives_its_own_outputs()
    {
        // Row r is (r, 1) and the bias 1, so (1, 2) gives r + 3. 130 rows in two parts: blocks of 128 and 2 rows.
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        const int rows = 130;
        var layer = Built(() => nn.Linear(2, rows));
        layer.weight!.copy_(stack([arange(rows, dtype: float32), ones(rows)], 1));
        layer.bias!.copy_(ones(rows));
        var y = RowParallelLinear.Forward(layer, tensor(new float[] { 1, 2 }).reshape(1, 2), 2);
        Assert.Equal([1L, rows], y.shape);
        Assert.Equal(Enumerable.Range(3, rows).Select(v => (float)v), y.data<float>().ToArray());
    }

    [Theory]
    [InlineData(9216, 4096, 2, true)]  // fc6
    [InlineData(9216, 4096, 3, true)]  // blocks of 1408, 1408 and 1280 rows (1366 unaligned changed a sum)
    [InlineData(9216, 4096, 2, false)]
    [InlineData(4096, 4096, 2, true)]  // fc7
    [InlineData(4096, 1000, 2, true)]  // fc8: 512 and 488
    [InlineData(4096, 1000, 3, true)]  // 384, 384 and 232
    public void Matches_linear_bit_for_bit_on_alexnets_shapes(int inputs, int outputs, int parts, bool bias)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (layer, x) = Built(() =>
        {
            manual_seed(11);
            return (nn.Linear(inputs, outputs, hasBias: bias), nn.functional.relu(randn(1, inputs)));
        });
        var expected = nn.functional.linear(x, layer.weight!, layer.bias);
        var actual = RowParallelLinear.Forward(layer, x, parts);
        Assert.Equal(expected.shape, actual.shape);
        Assert.Equal(expected.data<float>().ToArray(), actual.data<float>().ToArray());
    }

    [Fact]
    public void Works_in_inference_mode_whose_tensors_other_threads_may_not_write()
    {
        // Occlusion's baseline forward runs in inference mode; a pool thread outside it may not write into its tensors.
        using var scope = NewDisposeScope();
        var (layer, x) = Built(() =>
        {
            manual_seed(12);
            var linear = nn.Linear(4096, 1000);
            foreach (var p in linear.parameters()) p.requires_grad = false;
            using (inference_mode()) return (linear, randn(1, 4096));
        });
        using var _ = inference_mode();
        var expected = nn.functional.linear(x, layer.weight!, layer.bias);
        Assert.Equal(expected.data<float>().ToArray(), RowParallelLinear.Forward(layer, x, 2).data<float>().ToArray());
    }

    [Fact]
    public void Leaves_batches_gradients_and_one_thread_to_libtorch()
    {
        using var scope = NewDisposeScope();
        Assert.True(RowParallelLinear.Applies(zeros(1, 8), 2));
        Assert.False(RowParallelLinear.Applies(zeros(2, 8), 2));
        Assert.False(RowParallelLinear.Applies(zeros(1, 8), 1));
        Assert.False(RowParallelLinear.Applies(zeros(1, 8).requires_grad_(), 2));
        Assert.False(RowParallelLinear.Applies(zeros(8), 2));
    }

    // Seeds, modules' initial weights and random inputs come from libtorch's process-wide generator, which tests of
    // other classes use at the same time (the seed-0 AlexNet is built in several): hold its gate while drawing.
    static T Built<T>(Func<T> draw)
    {
        lock (TorchRuntime.GlobalGenerator) return draw();
    }
}
