using AlexVis.Model.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace AlexVis.Model.Tests.Network;

/// <summary>Copying a tensor out into the plain arrays a trace returns.</summary>
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
}
