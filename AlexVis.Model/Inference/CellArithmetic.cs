using AlexVis.Model.Imaging;
using AlexVis.Model.Network;

namespace AlexVis.Model.Inference;

/// <summary>
/// One conv1 cell worked out by hand: the 3×11×11 patch of the normalised input it reads (zero where the window
/// hangs over the padding), its filter, its bias, and Σ patch · filter + bias.
/// </summary>
/// <param name="Channel">The filter.</param>
/// <param name="Row">The cell's row in the 55×55 map.</param>
/// <param name="Column">The cell's column.</param>
/// <param name="Top">The input row under the window's first row (negative over the padding).</param>
/// <param name="Left">The input column under the window's first column.</param>
/// <param name="Patch">3×11×11 input values, channel-major.</param>
/// <param name="Filter">The filter's 3×11×11 weights, in the same order.</param>
/// <param name="Bias">The filter's bias.</param>
/// <param name="Sum">Σ patch · filter (accumulated in double, as a pencil would).</param>
/// <param name="Value">Sum + bias, as a float32: what the layer shows, to within libtorch's summation order.</param>
public sealed record Conv1Sum(int Channel, int Row, int Column, int Top, int Left, float[] Patch, float[] Filter, float Bias, double Sum, float Value);

/// <summary>Where a ReLU or max-pool cell's value came from: one cell of the layer below.</summary>
/// <param name="Layer">The layer below (the convolution under a ReLU, the ReLU under a pool).</param>
/// <param name="Channel">The same channel.</param>
/// <param name="Row">The source cell's row.</param>
/// <param name="Column">The source cell's column.</param>
/// <param name="Value">The source cell's value.</param>
public sealed record CellSource(LayerInfo Layer, int Channel, int Row, int Column, float Value);

/// <summary>How a single cell's number is made, for the "why is this number 0.28?" question.</summary>
public static class CellArithmetic
{
    /// <summary>The sum behind conv1's cell (<paramref name="row"/>, <paramref name="column"/>) of <paramref name="channel"/>.</summary>
    public static Conv1Sum Conv1(ModelInput input, ConvKernels conv1, int channel, int row, int column)
    {
        var layer = conv1.Layer;
        if (layer.Index != 0)
            throw new ArgumentException($"The worked sum is for conv1; {layer.Alias}'s cells add {conv1.InChannels}×{conv1.KernelHeight}×{conv1.KernelWidth} terms.", nameof(conv1));
        if ((uint)channel >= (uint)conv1.OutChannels || (uint)row >= (uint)layer.Height || (uint)column >= (uint)layer.Width)
            throw new ArgumentOutOfRangeException(nameof(channel), $"conv1 has channels 0–{conv1.OutChannels - 1} and {layer.Height}×{layer.Width} cells.");
        var w = layer.Window;
        int k = w.Kernel, size = AlexNetLayers.InputSize;
        int top = row * w.Stride - w.Padding, left = column * w.Stride - w.Padding;
        var patch = new float[3 * k * k];
        var filter = conv1.Filter(channel).ToArray();
        double sum = 0;
        for (int c = 0; c < 3; c++)
            for (int dy = 0; dy < k; dy++)
                for (int dx = 0; dx < k; dx++)
                {
                    int y = top + dy, x = left + dx, i = (c * k + dy) * k + dx;
                    if (y < 0 || y >= size || x < 0 || x >= size) continue; // the padding is zero
                    patch[i] = input.Tensor[(c * size + y) * size + x];
                    sum += (double)patch[i] * filter[i];
                }
        var bias = conv1.Bias[channel];
        return new Conv1Sum(channel, row, column, top, left, patch, filter, bias, sum, (float)(sum + bias));
    }

    /// <summary>
    /// The cell of the layer below that a ReLU or max-pool cell took its value from: the same cell for a ReLU, the
    /// window's first maximum in row-major order for a pool (as libtorch picks it); null for other layers.
    /// </summary>
    public static CellSource? Source(ActivationTrace trace, LayerInfo layer, int channel, int row, int column)
    {
        if (layer.Kind is not (LayerKind.ReLU or LayerKind.MaxPool) || !layer.IsSpatial || layer.Index == 0) return null;
        var below = trace.Layers[layer.Index - 1];
        if (layer.Kind == LayerKind.ReLU)
            return new CellSource(below.Layer, channel, row, column, below[channel, row, column]);
        var w = layer.Window;
        int bestRow = -1, bestColumn = -1;
        float best = float.NegativeInfinity;
        for (int y = row * w.Stride - w.Padding; y < row * w.Stride - w.Padding + w.Kernel; y++)
            for (int x = column * w.Stride - w.Padding; x < column * w.Stride - w.Padding + w.Kernel; x++)
            {
                if (y < 0 || y >= below.Height || x < 0 || x >= below.Width) continue;
                var v = below[channel, y, x];
                if (v > best || float.IsNaN(v)) (best, bestRow, bestColumn) = (v, y, x);
            }
        return new CellSource(below.Layer, channel, bestRow, bestColumn, best);
    }
}
