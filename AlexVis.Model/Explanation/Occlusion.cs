using AlexVis.Model.Imaging;
using AlexVis.Model.Network;
using static TorchSharp.torch;

namespace AlexVis.Model.Explanation;

/// <summary>
/// Occlusion: Zeiler and Fergus 2014 (arXiv 1311.2901), §4.2: a square of the normalised input is set to 0 (the mean
/// colour) at every position of a grid; each pixel gets the class's probability drop averaged over the squares that
/// covered it (Captum's Occlusion with a zero baseline and windows over all three colours). Images go through the
/// network in batches.
/// </summary>
internal sealed class Occlusion : AttributionMethod
{
    /// <summary>Occluded images per forward.</summary>
    public const int Batch = 32;

    /// <inheritdoc />
    public override ExplainMethod Kind => ExplainMethod.Occlusion;

    /// <inheritdoc />
    protected override ExplainRequest Check(ExplainRequest request)
    {
        const int size = AlexNetLayers.InputSize;
        if (request.Patch is < 1 or > size) throw new ArgumentException($"--patch must be 1–{size}, not {request.Patch}");
        if (request.Stride is < 1 or > size) throw new ArgumentException($"--stride must be 1–{size}, not {request.Stride}");
        return base.Check(request with { Layer = null, Channel = null, Cell = null });
    }

    /// <summary>The top-left corners of the squares along one side.</summary>
    public static IReadOnlyList<int> Offsets(int patch, int stride) =>
        Enumerable.Range(0, (AlexNetLayers.InputSize - patch) / stride + 1).Select(i => i * stride).ToArray();

    /// <inheritdoc />
    protected override Attribution Compute(AlexNet net, Tensor x, ExplainRequest request, IProgress<double>? progress)
    {
        const int size = AlexNetLayers.InputSize;
        // Inference mode, not just no_grad: no autograd bookkeeping at all for 169 forwards (the leaf is copied out first).
        var image = x.detach().clone();
        using var _ = inference_mode();
        var baseline = nn.functional.softmax(net.forward(image), 1);
        int k = ClassOf(request, baseline);
        float before = baseline[0, k].item<float>();
        var offsets = Offsets(request.Patch, request.Stride);
        var squares = (from r in offsets from c in offsets select (Row: r, Column: c)).ToArray();
        var total = new float[size * size];
        var covered = new int[size * size];
        for (int start = 0; start < squares.Length; start += Batch)
        {
            // One dispose scope per batch: a fine grid is hundreds of images.
            using var scope = NewDisposeScope();
            var chunk = squares.AsSpan(start, Math.Min(Batch, squares.Length - start)).ToArray();
            var batch = image.repeat(chunk.Length, 1, 1, 1);
            for (int i = 0; i < chunk.Length; i++)
                batch[i].narrow(1, chunk[i].Row, request.Patch).narrow(2, chunk[i].Column, request.Patch).zero_();
            var after = nn.functional.softmax(net.forward(batch), 1)[.., k].cpu().data<float>().ToArray();
            for (int i = 0; i < chunk.Length; i++)
            {
                float drop = before - after[i];
                for (int y = chunk[i].Row; y < chunk[i].Row + request.Patch; y++)
                    for (int xx = chunk[i].Column; xx < chunk[i].Column + request.Patch; xx++)
                    {
                        total[y * size + xx] += drop;
                        covered[y * size + xx]++;
                    }
            }
            progress?.Report((double)(start + chunk.Length) / squares.Length);
        }
        // A pixel no square covered (a grid that does not reach the edge) has no drop to average.
        var map = new float[3 * size * size];
        var heat = new float[size * size];
        for (int p = 0; p < size * size; p++)
        {
            float v = covered[p] == 0 ? 0 : total[p] / covered[p];
            map[p] = map[size * size + p] = map[2 * size * size + p] = v;
            heat[p] = Math.Max(0, v); // where hiding the patch lowered the class's probability
        }
        return new Attribution(Kind, null, null, null, k, [3, size, size], map, heat);
    }
}

/// <summary>Hiding part of a photo from the network, as occlusion does.</summary>
public static class Patches
{
    /// <summary>
    /// The input with a square hidden, as occlusion hides it: the normalised tensor set to 0 there (ImageNet's mean
    /// colour), and the crop painted in that colour so a figure shows what the network was given. Live occlusion
    /// runs the network on this while a student drags the square.
    /// </summary>
    /// <param name="input">The image.</param>
    /// <param name="row">The square's top row (clamped to keep the square inside the crop).</param>
    /// <param name="column">Its left column (clamped likewise).</param>
    /// <param name="patch">Its side, 1–224.</param>
    public static ModelInput Hide(ModelInput input, int row, int column, int patch)
    {
        const int size = AlexNetLayers.InputSize;
        (row, column) = Place(row, column, patch);
        var tensor = (float[])input.Tensor.Clone();
        var pixels = (byte[])input.Crop.Pixels.Clone();
        var mean = Imaging.Preprocessing.Mean.Select(m => (byte)Math.Round(m * 255)).ToArray();
        for (int y = row; y < row + patch; y++)
            for (int x = column; x < column + patch; x++)
                for (int c = 0; c < 3; c++)
                {
                    tensor[c * size * size + y * size + x] = 0;
                    pixels[(y * size + x) * 3 + c] = mean[c];
                }
        return new ModelInput(tensor, input.Crop with { Pixels = pixels });
    }

    /// <summary>Where a square of side <paramref name="patch"/> asked for at (<paramref name="row"/>, <paramref name="column"/>) goes: moved just inside the crop.</summary>
    public static (int Row, int Column) Place(int row, int column, int patch)
    {
        const int size = AlexNetLayers.InputSize;
        if (patch is < 1 or > size) throw new ArgumentOutOfRangeException(nameof(patch), $"the square's side must be 1–{size}, not {patch}");
        return (Math.Clamp(row, 0, size - patch), Math.Clamp(column, 0, size - patch));
    }
}
