using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AlexVis.Model.Network;

/// <summary>
/// A one-image fully connected layer split by output rows over libtorch's intra-op threads. libtorch hands a
/// batch-1 linear to MKL's matrix–vector product on one thread whatever that count is, and AlexNet's fc6 and fc7 are
/// 151 MB and 67 MB of weights read once per image: on two threads they took 5.3–5.5 and 2.0–2.5 ms of a 15–17 ms
/// forward here, split 2.9 and 1.65 (with <see cref="TorchRuntime.OpenMpSpinCount"/>). Each output is still one row's
/// dot product by the same kernel, so the values are bit-identical to <c>functional.linear</c> (tested on fc6's, fc7's
/// and fc8's shapes).
/// </summary>
internal static class RowParallelLinear
{
    /// <summary>Rows per block are a multiple of this, so every row is summed by the code that sums it unsplit.</summary>
    public const int RowAlignment = 64;

    /// <summary>Whether <paramref name="x"/> is worth splitting: one row on the CPU, no gradient to carry, two or more threads.</summary>
    public static bool Applies(Tensor x, int threads) =>
        threads > 1 && x.dim() == 2 && x.shape[0] == 1 && x.device_type == DeviceType.CPU && !x.requires_grad;

    /// <summary><paramref name="layer"/> applied to the one row of <paramref name="x"/>, its outputs computed in <paramref name="parts"/> blocks at once.</summary>
    public static Tensor Forward(Linear layer, Tensor x, int parts)
    {
        var weight = layer.weight!;
        long rows = weight.shape[0];
        var vector = x.reshape(x.shape[1]);
        // addmv_ adds the product to what is there: the bias, or zeros for a layer without one.
        var y = layer.bias is { } bias ? bias.clone() : zeros(rows, dtype: weight.dtype);
        // Blocks start at multiples of RowAlignment: MKL's kernel treats a block's last few rows (its count modulo its
        // unrolling) with other code, and blocks of 1,366 rows changed the sum of row 1,364 in its last bit.
        long per = (rows + parts - 1) / parts;
        per = (per + RowAlignment - 1) / RowAlignment * RowAlignment;
        // Grad and inference modes are per thread: a pool thread must be in the caller's inference mode to write
        // into a tensor made in it.
        bool inference = is_inference_mode_enabled();
        // The calling thread takes a block itself, so a busy thread pool slows this down but never stalls it.
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, p =>
        {
            long start = p * per, count = Math.Min(per, rows - start);
            if (count <= 0) return;
            using var mode = inference ? inference_mode() : null;
            // Views made on a pool thread belong to no dispose scope of the caller's: dispose them here.
            using var block = y.narrow(0, start, count);
            using var w = weight.narrow(0, start, count);
            block.addmv_(w, vector, 1, 1);
        });
        return y.unsqueeze(0);
    }
}
