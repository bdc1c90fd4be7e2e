using AlexVis.Model.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace AlexVis.Model.Tests.Network;

/// <summary>The fast pooling of the no-gradient forward: libtorch's max_pool2d to the bit, and max_pool2d itself where gradients flow.</summary>
public class MaxPoolingTests
{
    public MaxPoolingTests() => TorchRuntime.Initialise(2);

    [Fact]
    public void Each_window_gives_its_largest_value()
    {
        // Values r·7 + c grow to the right and down, so each 3 × 3 window's maximum is its bottom-right cell: windows
        // start at rows 0, 2 and columns 0, 2, 4 (5 − 3 = 2 → 2 rows, 7 − 3 = 4 → 3 columns).
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = arange(35, dtype: float32).reshape(1, 1, 5, 7);
        var pooled = MaxPooling.Of(x, 3, 2);
        Assert.Equal([1L, 1, 2, 3], pooled.shape);
        Assert.Equal([16f, 18, 20, 30, 32, 34], pooled.data<float>().ToArray());
    }

    [Theory]
    [InlineData(64, 55)]   // pool1
    [InlineData(192, 27)]  // pool2
    [InlineData(256, 13)]  // pool5
    public void Matches_max_pool2d_bit_for_bit_on_alexnets_maps_and_keeps_its_nans(int channels, int size)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var generator = new Generator(7);
        // Negative values, ties (values rounded to a few levels) and NaNs, at a batch of two. Adding +0 turns the −0s
        // that rounding makes into +0, as in a ReLU's output (see MaxPooling: only the sign of a zero could differ).
        var x = (randn(2, channels, size, size, generator: generator) * 4).round() / 4 + 0f;
        x[0, 3, 5, 5] = float.NaN;
        x[1, 0, 0, 0] = float.NegativeInfinity;
        var expected = nn.functional.max_pool2d(x, [3, 3], [2, 2]);
        var actual = MaxPooling.Of(x, 3, 2);
        Assert.Equal(expected.shape, actual.shape);
        var e = expected.data<float>().ToArray();
        var a = actual.data<float>().ToArray();
        Assert.Contains(e, float.IsNaN);
        for (int i = 0; i < e.Length; i++)
            Assert.True(float.IsNaN(e[i]) ? float.IsNaN(a[i]) : BitConverter.SingleToInt32Bits(e[i]) == BitConverter.SingleToInt32Bits(a[i]),
                $"element {i}: {a[i]} where max_pool2d gives {e[i]}");
    }

    [Fact]
    public void With_gradients_a_tie_sends_the_whole_gradient_to_one_input_as_pytorch_does()
    {
        using var scope = NewDisposeScope();
        // One 3 × 3 window whose maximum, 5, appears twice: max_pool2d gives its gradient to one of them; a maximum
        // of views would give each half.
        var x = tensor(new float[] { 5, 1, 5, 0, 2, 0, 1, 1, 1 }, [1, 1, 3, 3]).requires_grad_();
        var pooled = MaxPooling.Of(x, 3, 2);
        pooled.sum().backward();
        var grad = x.grad!.data<float>().ToArray();
        Assert.Equal(1f, grad.Sum());
        Assert.Single(grad, g => g == 1f);
    }
}
