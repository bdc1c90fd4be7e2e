using AlexVis.Model.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace AlexVis.Model.Tests.Network;

/// <summary>Copying a tensor out into the plain arrays a trace returns; the seed-0 network built while other threads draw.</summary>
public class AlexNetModelTests
{
    public AlexNetModelTests() => TorchRuntime.Initialise(2);

    [Fact]
    public void A_tensor_is_copied_out_in_row_major_order_even_when_it_is_a_transposed_view()
    {
        using var scope = NewDisposeScope();
        // [[0, 1, 2], [3, 4, 5]] transposed is [[0, 3], [1, 4], [2, 5]]: not contiguous, so it is laid out first.
        var t = arange(6, dtype: float32).reshape(2, 3).t();
        var values = new float[6];
        AlexNetModel.CopyOut(t, values);
        Assert.Equal([0f, 3, 1, 4, 2, 5], values);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(7)]
    public void An_array_the_tensor_would_not_fill_exactly_is_refused(int length)
    {
        // Capture arrays are not zeroed first: a tensor shorter than its array must not leave the rest as it was.
        using var scope = NewDisposeScope();
        var values = new float[length];
        Array.Fill(values, -1f);
        var error = Assert.Throws<InvalidOperationException>(() => AlexNetModel.CopyOut(arange(6, dtype: float32), values));
        Assert.Contains("6 values", error.Message);
        Assert.All(values, v => Assert.Equal(-1f, v));
    }

    [Fact]
    public async Task The_seed_0_network_is_the_same_while_another_thread_seeds_and_draws()
    {
        // libtorch's random generator is process-wide: another thread's seed or draw in the middle of a seeded
        // construction gives other weights, unless both hold TorchRuntime.GlobalGenerator (tests of other classes
        // seed and build modules while the seed-0 network is being built).
        using var first = AlexNetModel.Untrained("test", DeviceChoice.Cpu);
        var expected = (Conv1: first.Kernels("conv1").Weights, Conv5: first.Kernels("conv5").Weights);
        using var stop = new CancellationTokenSource();
        var drawer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                lock (TorchRuntime.GlobalGenerator)
                {
                    manual_seed(11);
                    randn(1000).Dispose();
                }
                await Task.Yield();
            }
        });
        try
        {
            for (int i = 0; i < 3; i++)
            {
                using var again = AlexNetModel.Untrained("test", DeviceChoice.Cpu);
                Assert.Equal(expected.Conv1, again.Kernels("conv1").Weights);
                Assert.Equal(expected.Conv5, again.Kernels("conv5").Weights);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await drawer;
        }
    }
}
