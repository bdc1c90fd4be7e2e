using AlexVis.Model.Network;

namespace AlexVis.Model.Inference;

/// <summary>A convolution layer's weights, out×in×kh×kw in row-major order, and its biases.</summary>
/// <param name="Layer">The convolution layer.</param>
/// <param name="OutChannels">Number of filters.</param>
/// <param name="InChannels">Channels each filter spans.</param>
/// <param name="KernelHeight">Kernel rows.</param>
/// <param name="KernelWidth">Kernel columns.</param>
/// <param name="Weights">The weights.</param>
/// <param name="Bias">One bias per filter.</param>
public sealed record ConvKernels(LayerInfo Layer, int OutChannels, int InChannels, int KernelHeight, int KernelWidth, float[] Weights, float[] Bias)
{
    /// <summary>The weights of one filter: in×kh×kw.</summary>
    public ReadOnlySpan<float> Filter(int filter)
    {
        int size = InChannels * KernelHeight * KernelWidth;
        return Weights.AsSpan(filter * size, size);
    }

    /// <summary>One input-channel slice of one filter: kh×kw.</summary>
    public ReadOnlySpan<float> Slice(int filter, int inChannel)
    {
        int size = KernelHeight * KernelWidth;
        return Weights.AsSpan((filter * InChannels + inChannel) * size, size);
    }

    /// <summary>The weight at filter, input channel, row, column.</summary>
    public float this[int filter, int inChannel, int row, int column] =>
        Weights[((filter * InChannels + inChannel) * KernelHeight + row) * KernelWidth + column];
}
