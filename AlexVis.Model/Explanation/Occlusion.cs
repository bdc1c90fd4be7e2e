using AlexVis.Model.Imaging;
using AlexVis.Model.Network;
using TorchSharp.Modules;
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
        var early = new OccludedFeatures(net, image);
        for (int start = 0; start < squares.Length; start += Batch)
        {
            // One dispose scope per batch: a fine grid is hundreds of images.
            using var scope = NewDisposeScope();
            var chunk = squares.AsSpan(start, Math.Min(Batch, squares.Length - start)).ToArray();
            var hidden = early.Occluded(chunk, request.Patch);
            var after = nn.functional.softmax(net.ForwardLayers(hidden, null, first: OccludedFeatures.Last + 1), 1)[.., k].cpu().data<float>().ToArray();
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

/// <summary>
/// pool2's output for the photo with a square set to 0, recomputed only where the square reaches: conv1, relu1, pool1,
/// conv2, relu2 and pool2 each see a few pixels, so a hidden square changes a block of each map (about 11 × 11 of
/// conv1's 55 × 55, 5 × 5 of pool2's 13 × 13), and each layer is run on the part of its input that block reads: the
/// photo's own input there with the block the layer before changed written in. These six layers were nearly half of a
/// forward; the rest of the network runs on the result as usual.
/// </summary>
internal sealed class OccludedFeatures
{
    /// <summary>The last layer recomputed locally: pool2 (conv3's 3 × 3 windows on 13 × 13 maps reach most of the map).</summary>
    public static readonly int Last = AlexNetLayers.Get("pool2").Index;

    readonly Tensor[] inputs;  // each layer's input for the photo, with the layer's zero padding
    readonly Conv2d?[] convolutions;
    readonly Tensor output;    // pool2's output for the photo

    /// <summary>Runs the photo through conv1 … pool2 once and keeps each layer's input.</summary>
    public OccludedFeatures(AlexNet net, Tensor image)
    {
        inputs = new Tensor[Last + 1];
        convolutions = AlexNetLayers.All.Take(Last + 1).Select(l => l.Kind == LayerKind.Convolution ? net.Convolution(l) : null).ToArray();
        var x = image;
        for (int l = 0; l <= Last; l++)
        {
            int pad = AlexNetLayers.All[l].Window.Padding;
            inputs[l] = pad == 0 ? x : nn.functional.pad(x, [pad, pad, pad, pad]);
            x = net.ForwardLayers(x, null, first: l, last: l);
        }
        output = x;
    }

    /// <summary>pool2's output with each square hidden in turn: [squares, 192, 13, 13].</summary>
    public Tensor Occluded(IReadOnlyList<(int Row, int Column)> squares, int patch)
    {
        var batch = output.repeat(squares.Count, 1, 1, 1);
        for (int i = 0; i < squares.Count; i++)
        {
            var (rows, columns, values) = Recompute(squares[i].Row, squares[i].Column, patch);
            batch[i..(i + 1), .., rows.First..(rows.Last + 1), columns.First..(columns.Last + 1)] = values;
        }
        return batch;
    }

    // The changed block of every layer in turn, from the hidden square (zeros in the normalised input) to pool2.
    (Span Rows, Span Columns, Tensor Values) Recompute(int row, int column, int patch)
    {
        var (rows, columns) = (new Span(row, row + patch - 1), new Span(column, column + patch - 1));
        Tensor values = zeros(1, 3, patch, patch, device: output.device); // the hidden square: 0, the mean colour
        for (int l = 0; l <= Last; l++)
        {
            var layer = AlexNetLayers.All[l];
            if (layer.Kind == LayerKind.ReLU)
            {
                values = nn.functional.relu(values);
                continue;
            }
            var w = layer.Window;
            var (outRows, outColumns) = (rows.Reached(w, layer.Height), columns.Reached(w, layer.Width));
            // The part of the (padded) input those cells read: the photo's, with the changed block written in.
            int top = outRows.First * w.Stride, left = outColumns.First * w.Stride;
            int height = (outRows.Last - outRows.First) * w.Stride + w.Kernel, width = (outColumns.Last - outColumns.First) * w.Stride + w.Kernel;
            var part = inputs[l][.., .., top..(top + height), left..(left + width)].clone();
            var (r0, r1) = (Math.Max(rows.First + w.Padding, top), Math.Min(rows.Last + w.Padding, top + height - 1));
            var (c0, c1) = (Math.Max(columns.First + w.Padding, left), Math.Min(columns.Last + w.Padding, left + width - 1));
            part[.., .., (r0 - top)..(r1 - top + 1), (c0 - left)..(c1 - left + 1)] =
                values[.., .., (r0 - w.Padding - rows.First)..(r1 - w.Padding - rows.First + 1), (c0 - w.Padding - columns.First)..(c1 - w.Padding - columns.First + 1)];
            values = convolutions[l] is { } conv
                ? nn.functional.conv2d(part, conv.weight!, conv.bias, strides: [w.Stride, w.Stride])
                : Network.MaxPooling.Of(part, w.Kernel, w.Stride);
            (rows, columns) = (outRows, outColumns);
        }
        return (rows, columns, values);
    }

    // A run of rows or columns, inclusive.
    readonly record struct Span(int First, int Last)
    {
        // The cells (of a map of <paramref name="size"/>) whose windows read any of these input rows: cell i reads input
        // rows i·stride − padding … i·stride − padding + kernel − 1.
        public Span Reached(Window w, int size) => new(
            Math.Max(0, (int)Math.Ceiling((First + w.Padding - w.Kernel + 1) / (double)w.Stride)),
            Math.Min(size - 1, (Last + w.Padding) / w.Stride));
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
