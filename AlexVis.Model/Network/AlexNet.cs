using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace AlexVis.Model.Network;

/// <summary>
/// torchvision's AlexNet (Krizhevsky, Sutskever and Hinton, 2012, in torchvision's one-GPU variant from
/// "One weird trick", Krizhevsky 2014), module for module, so its state-dict keys are torchvision's.
/// ReLU is not in-place: in-place ReLU would overwrite the convolution outputs we capture.
/// </summary>
internal sealed class AlexNet : Module<Tensor, Tensor>
{
    // Field names are the state-dict prefixes: RegisterComponents uses them.
    readonly Sequential features;
    readonly AdaptiveAvgPool2d avgpool;
    readonly Sequential classifier;
    readonly Module<Tensor, Tensor>[] layers;
    static readonly int firstClassifierLayer = AlexNetLayers.Get("classifier.0").Index;
    const int PoolKernel = 3, PoolStride = 2; // torchvision's overlapping pooling, the same at all three

    public AlexNet() : base(nameof(AlexNet))
    {
        // Construction order matters: it fixes the order in which default init draws random numbers,
        // which is what makes manual_seed(0) give PyTorch's exact weights.
        features = Sequential(
            ("0", Conv2d(3, 64, kernel_size: 11, stride: 4, padding: 2)),
            ("1", ReLU()),
            ("2", MaxPool2d(kernel_size: PoolKernel, stride: PoolStride)),
            ("3", Conv2d(64, 192, kernel_size: 5, padding: 2)),
            ("4", ReLU()),
            ("5", MaxPool2d(kernel_size: PoolKernel, stride: PoolStride)),
            ("6", Conv2d(192, 384, kernel_size: 3, padding: 1)),
            ("7", ReLU()),
            ("8", Conv2d(384, 256, kernel_size: 3, padding: 1)),
            ("9", ReLU()),
            ("10", Conv2d(256, 256, kernel_size: 3, padding: 1)),
            ("11", ReLU()),
            ("12", MaxPool2d(kernel_size: PoolKernel, stride: PoolStride)));
        avgpool = AdaptiveAvgPool2d([6, 6]);
        classifier = Sequential(
            ("0", Dropout(0.5)),
            ("1", Linear(256 * 6 * 6, 4096)),
            ("2", ReLU()),
            ("3", Dropout(0.5)),
            ("4", Linear(4096, 4096)),
            ("5", ReLU()),
            ("6", Linear(4096, AlexNetLayers.ClassCount)));
        RegisterComponents();

        layers = features.children().Cast<Module<Tensor, Tensor>>()
            .Append(avgpool)
            .Concat(classifier.children().Cast<Module<Tensor, Tensor>>())
            .ToArray();
        if (layers.Length != AlexNetLayers.All.Count)
            throw new InvalidOperationException("AlexNet's modules do not match the layer catalogue.");
    }

    public override Tensor forward(Tensor input) => ForwardLayers(input, null);

    /// <summary>
    /// Runs the layers in order from <paramref name="first"/> (whose input <paramref name="input"/> is) up to
    /// <paramref name="last"/> (every layer by default) and hands each output to <paramref name="visit"/> with its
    /// catalogue index. <paramref name="relu"/>, when given, stands in for every ReLU (the attribution methods' ReLUs
    /// whose backward differs from ReLU's own); <paramref name="edit"/>, when given, may replace a layer's output
    /// before anything sees it (switching channels off). A one-image fully connected layer is split across libtorch's
    /// threads (<see cref="RowParallelLinear"/>).
    /// </summary>
    public Tensor ForwardLayers(Tensor input, Action<int, Tensor>? visit, Func<Tensor, Tensor>? relu = null, int last = int.MaxValue,
        int first = 0, Func<int, Tensor, Tensor>? edit = null)
    {
        var x = input;
        int threads = torch.get_num_threads();
        for (int i = first; i < layers.Length && i <= last; i++)
        {
            if (i == firstClassifierLayer)
                x = x.flatten(1);
            x = layers[i] switch
            {
                TorchSharp.Modules.ReLU when relu is not null => relu(x),
                TorchSharp.Modules.MaxPool2d => MaxPooling.Of(x, PoolKernel, PoolStride),
                Linear linear when RowParallelLinear.Applies(x, threads) => RowParallelLinear.Forward(linear, x, threads),
                var layer => layer.call(x),
            };
            if (edit is not null) x = edit(i, x);
            visit?.Invoke(i, x);
        }
        return x;
    }

    /// <summary>The convolution module behind a catalogue layer.</summary>
    public Conv2d Convolution(LayerInfo layer) =>
        layers[layer.Index] as Conv2d ?? throw new ArgumentException($"{layer.Name} ({layer.Alias}) is not a convolution layer.");

    /// <summary>Evaluation mode, no parameter gradients.</summary>
    public AlexNet Frozen()
    {
        eval();
        foreach (var p in parameters())
            p.requires_grad = false;
        return this;
    }
}
