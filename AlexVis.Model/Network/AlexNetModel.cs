using AlexVis.Model.Imaging;
using AlexVis.Model.Inference;
using System.Runtime.InteropServices;
using AlexVis.Model.Labels;
using TorchSharp;
using static TorchSharp.torch;

namespace AlexVis.Model.Network;

/// <summary>
/// One torchvision AlexNet in evaluation mode without parameter gradients, on one device. Thread-safe:
/// forwards hold no state, so several threads may trace at once. Everything it returns is plain arrays.
/// </summary>
public sealed class AlexNetModel : IDisposable
{
    readonly AlexNet net;
    readonly Device device;

    AlexNetModel(AlexNet net, Device device, WeightsInfo weights)
    {
        this.net = net;
        this.device = device;
        Weights = weights;
    }

    /// <summary>The module itself, for tests and benchmarks inside the solution.</summary>
    internal AlexNet Network => net;

    /// <summary>Where the weights came from.</summary>
    public WeightsInfo Weights { get; }

    /// <summary>The device the network runs on, e.g. <c>cpu</c> or <c>cuda:0</c>.</summary>
    public string DeviceName => device.ToString();

    /// <summary>
    /// torchvision's default initialisation after <c>manual_seed(0)</c>: the same weights as
    /// <c>torch.manual_seed(0); torchvision.models.alexnet()</c> in PyTorch.
    /// </summary>
    public static AlexNetModel Untrained(string reason, DeviceChoice device = DeviceChoice.Auto, IReadOnlyList<string>? problems = null)
    {
        var target = TorchRuntime.Resolve(device);
        AlexNet net;
        lock (TorchRuntime.GlobalGenerator)
        {
            torch.manual_seed(0);
            net = new AlexNet();
        }
        net.Frozen().to(target);
        return new AlexNetModel(net, target, new WeightsInfo(WeightsKind.Untrained, null, "seed 0", reason, problems ?? []));
    }

    /// <summary>Loads a state dict (.pth or .safetensors); throws <see cref="WeightsFileException"/> naming the first problem.</summary>
    public static AlexNetModel FromFile(string path, string origin, DeviceChoice device = DeviceChoice.Auto, IReadOnlyList<string>? problems = null)
    {
        var target = TorchRuntime.Resolve(device);
        AlexNet net;
        lock (TorchRuntime.GlobalGenerator) // construction draws from it too
            net = new AlexNet().Frozen();
        try
        {
            var expected = net.state_dict().Select(kv => new StateEntry(kv.Key, kv.Value.shape, "float32")).ToList();
            var loaded = StateDictFile.ReadChecked(path, expected);
            try
            {
                using var _ = torch.no_grad();
                foreach (var (name, tensor) in net.state_dict())
                    tensor.copy_(loaded[name]);
            }
            finally
            {
                foreach (var t in loaded.Values) t.Dispose();
            }
            net.to(target);
            return new AlexNetModel(net, target, new WeightsInfo(WeightsKind.Pretrained, Path.GetFullPath(path), origin, null, problems ?? []));
        }
        catch
        {
            net.Dispose();
            throw;
        }
    }

    /// <summary>Key and shape of every state-dict entry, in torchvision's order.</summary>
    public IReadOnlyList<(string Key, long[] Shape)> StateShapes() =>
        net.state_dict().Select(kv => (kv.Key, kv.Value.shape)).ToList();

    /// <summary>Runs one image and captures every layer, with <paramref name="ablation"/>'s channels switched off when given.</summary>
    public ActivationTrace Trace(ModelInput input, int topK = 5, Ablation? ablation = null) => Trace([input], topK, ablation)[0];

    /// <summary>Runs a batch of images in one forward and captures every layer of each.</summary>
    public IReadOnlyList<ActivationTrace> Trace(IReadOnlyList<ModelInput> inputs, int topK = 5, Ablation? ablation = null)
    {
        if (inputs.Count == 0) return [];
        var run = Run(inputs.Select(i => i.Tensor).ToArray(), [3, AlexNetLayers.InputSize, AlexNetLayers.InputSize], 0, ablation ?? Ablation.None);
        return Enumerable.Range(0, inputs.Count).Select(b => Assemble(run, b, [], inputs[b].Crop, topK, ablation ?? Ablation.None)).ToArray();
    }

    /// <summary>
    /// The same image with channels switched off: re-runs the network from the first ablated layer on, starting from
    /// <paramref name="baseline"/>'s own output of the layer before it, and shares the unchanged earlier layers.
    /// Throws <see cref="ArgumentException"/> when the baseline is itself ablated (its maps are no longer the image's).
    /// </summary>
    public ActivationTrace Retrace(ActivationTrace baseline, Ablation ablation, int topK = 5)
    {
        if (!baseline.Ablation.IsEmpty)
            throw new ArgumentException($"Retrace starts from the network as trained; this trace already has {baseline.Ablation} off.", nameof(baseline));
        if (ablation.First is not { } first) return baseline;
        int start = first.Index;
        float[] input;
        int[] shape;
        if (start == 0)
        {
            input = ModelInput.FromCrop(baseline.Input).Tensor;
            shape = [3, AlexNetLayers.InputSize, AlexNetLayers.InputSize];
        }
        else
        {
            var before = baseline.Layers[start - 1];
            input = before.Data;
            shape = before.Layer.Shape;
        }
        var run = Run([input], shape, start, ablation);
        return Assemble(run, 0, baseline.Layers.Take(start).ToArray(), baseline.Input, topK, ablation);
    }

    /// <summary>What one batched forward captured: per image, the layers it ran (from <c>First</c> on), and the probabilities.</summary>
    sealed record Captured(int First, float[][][] Layers, float[][] Probabilities);

    /// <summary>One forward of <paramref name="images"/> (each of <paramref name="shape"/>) from layer <paramref name="first"/> on.</summary>
    Captured Run(float[][] images, int[] shape, int first, Ablation ablation)
    {
        int n = images.Length;
        var layers = AlexNetLayers.All;
        var captured = new float[n][][];
        for (int b = 0; b < n; b++) captured[b] = new float[layers.Count][];
        var probabilities = new float[n][];

        // Every tensor made here is disposed with the scope; nothing awaits inside it.
        using (var scope = torch.NewDisposeScope())
        using (torch.no_grad())
        {
            // No managed array the size of the batch, in or out: from two images on one would be over the large object
            // threshold (conv1's maps are 774 KB an image), and every batch would cost a full collection and fresh pages.
            // So each image's input goes into the batch's tensor from its own array, and its maps come out into their own.
            long[] single = [1, .. shape.Select(d => (long)d)];
            var x = (n == 1 ? torch.tensor(images[0], single) : torch.cat(images.Select(i => torch.tensor(i, single)).ToArray(), 0)).to(device);
            var silenced = ablation.Layers.ToDictionary(p => p.Layer.Index,
                p => torch.tensor(p.Channels.Select(c => (long)c).ToArray()).to(device));
            // One scalar held to the end: an implicit one made per call could be finalised while libtorch still read
            // it (the model bench's repeated retrace failed once in index_fill's "toFloat").
            using var zero = 0f.ToScalar();
            var output = net.ForwardLayers(x, (i, t) =>
            {
                int per = layers[i].Count;
                for (int b = 0; b < n; b++)
                {
                    // Not zeroed first: CopyOut writes every element, and zeroing was another pass over 4.4 MB a photo.
                    var own = GC.AllocateUninitializedArray<float>(per);
                    using var block = n == 1 ? null : t.narrow(0, b, 1);
                    CopyOut(block ?? t, own);
                    captured[b][i] = own;
                }
            }, first: first, edit: silenced.Count == 0 ? null : (i, t) => silenced.TryGetValue(i, out var c) ? t.index_fill(1, c, zero) : t);
            var allProbs = new float[n * AlexNetLayers.ClassCount];
            CopyOut(torch.softmax(output, 1), allProbs);
            for (int b = 0; b < n; b++)
                probabilities[b] = allProbs.AsSpan(b * AlexNetLayers.ClassCount, AlexNetLayers.ClassCount).ToArray();
        }
        return new Captured(first, captured, probabilities);
    }

    ActivationTrace Assemble(Captured run, int b, IReadOnlyList<FeatureMaps> earlier, RgbImage crop, int topK, Ablation ablation)
    {
        var maps = earlier.Concat(AlexNetLayers.All.Skip(run.First).Select(l => new FeatureMaps(l, run.Layers[b][l.Index]))).ToArray();
        var logits = run.Layers[b][^1];
        var probabilities = run.Probabilities[b];
        return new ActivationTrace(maps, logits, probabilities, Prediction.TopK(probabilities, logits, topK), crop, Weights) { Ablation = ablation };
    }

    /// <summary>
    /// Explains one image: which pixels (or places) made a channel or a class respond, by the request's method.
    /// Throws <see cref="ArgumentException"/> naming the argument when the request does not fit the network.
    /// </summary>
    public Explanation.Attribution Explain(ModelInput input, Explanation.ExplainRequest request, IProgress<double>? progress = null) =>
        Explanation.AttributionMethod.All[request.Method].Explain(net, device, input, request, progress);

    /// <summary>The kernels and biases of a convolution layer.</summary>
    public ConvKernels Kernels(string layerName)
    {
        var layer = AlexNetLayers.Get(layerName);
        var conv = net.Convolution(layer);
        using var scope = torch.NewDisposeScope();
        var w = conv.weight!.detach();
        var b = conv.bias!.detach();
        var shape = w.shape.Select(d => (int)d).ToArray();
        var weights = new float[w.numel()];
        var bias = new float[b.numel()];
        CopyOut(w, weights);
        CopyOut(b, bias);
        return new ConvKernels(layer, shape[0], shape[1], shape[2], shape[3], weights, bias);
    }

    /// <summary>
    /// Copies a float tensor into <paramref name="destination"/> as one block: TensorAccessor.CopyTo goes element by
    /// element and made capturing every layer cost as much as the forward itself.
    /// </summary>
    internal static void CopyOut(Tensor t, float[] destination)
    {
        var host = t.device_type == DeviceType.CPU && t.is_contiguous() ? t : t.cpu().contiguous();
        var values = MemoryMarshal.Cast<byte, float>(host.bytes);
        // Exactly as long: a capture array is not zeroed, so a shorter tensor would leave stale memory in it.
        if (values.Length != destination.Length)
            throw new InvalidOperationException($"A tensor of {values.Length} values does not fill {destination.Length}.");
        values.CopyTo(destination);
    }

    /// <summary>A float tensor's values, on the host, copied as one block (see <see cref="CopyOut"/>).</summary>
    internal static float[] ToArray(Tensor t)
    {
        var values = new float[t.numel()];
        CopyOut(t, values);
        return values;
    }

    /// <summary>Releases the native tensors.</summary>
    public void Dispose() => net.Dispose();
}
