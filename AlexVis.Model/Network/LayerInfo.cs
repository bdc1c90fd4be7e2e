namespace AlexVis.Model.Network;

/// <summary>What kind of operation a layer performs.</summary>
public enum LayerKind
{
    /// <summary>2-D convolution with learned kernels.</summary>
    Convolution,
    /// <summary>Rectified linear unit, max(0, x).</summary>
    ReLU,
    /// <summary>3×3 max pooling with stride 2.</summary>
    MaxPool,
    /// <summary>Adaptive average pooling to 6×6.</summary>
    AdaptiveAvgPool,
    /// <summary>Dropout; the identity in evaluation mode.</summary>
    Dropout,
    /// <summary>Fully connected layer.</summary>
    Linear,
}

/// <summary>A square sliding window: each output cell reads rows <c>r·Stride − Padding … r·Stride − Padding + Kernel − 1</c> of its input.</summary>
/// <param name="Kernel">Side of the window.</param>
/// <param name="Stride">Step between neighbouring cells.</param>
/// <param name="Padding">Zero rows and columns added on each side.</param>
public readonly record struct Window(int Kernel, int Stride, int Padding)
{
    /// <summary>One cell reads the same cell: ReLU, dropout.</summary>
    public static Window Identity { get; } = new(1, 1, 0);
}

/// <summary>One named layer of torchvision's AlexNet and the shape of its output for a 224×224 input.</summary>
/// <param name="Index">Position in forward order (0 = features.0).</param>
/// <param name="Name">torchvision's module name, e.g. <c>features.0</c>.</param>
/// <param name="Alias">The name teachers use, e.g. <c>conv1</c>.</param>
/// <param name="Kind">The operation.</param>
/// <param name="Shape">Output shape without the batch dimension: C×H×W, or N for fully connected layers.</param>
/// <param name="Window">The window each output cell reads from its input (identity for ReLU, dropout and the 6×6 average pool on 6×6).</param>
public sealed record LayerInfo(int Index, string Name, string Alias, LayerKind Kind, int[] Shape, Window Window)
{
    static readonly System.Resources.ResourceManager notes = new("AlexVis.Model.Network.LayerNotes", typeof(LayerInfo).Assembly);

    /// <summary>One sentence on what the layer tends to respond to, in the current UI culture (English or Simplified Chinese).</summary>
    public string Note => notes.GetString(Alias, System.Globalization.CultureInfo.CurrentUICulture) ?? "";

    /// <summary>True for layers whose output is a stack of 2-D maps.</summary>
    public bool IsSpatial => Shape.Length == 3;

    /// <summary>Number of channels (spatial layers) or units (fully connected layers).</summary>
    public int Channels => Shape[0];

    /// <summary>Map height; 1 for fully connected layers.</summary>
    public int Height => IsSpatial ? Shape[1] : 1;

    /// <summary>Map width; 1 for fully connected layers.</summary>
    public int Width => IsSpatial ? Shape[2] : 1;

    /// <summary>Total number of values in the output.</summary>
    public int Count => Channels * Height * Width;

    /// <summary>The shape written as 64×55×55.</summary>
    public string ShapeText => string.Join('×', Shape);

    /// <summary>Slider label: <c>features.0 · conv1 · 64×55×55</c>.</summary>
    public string Label => $"{Name} · {Alias} · {ShapeText}";

    /// <summary>Compares by index: two records for the same layer are equal even though arrays are references.</summary>
    public bool Equals(LayerInfo? other) => other is not null && other.Index == Index && other.Name == Name;

    /// <inheritdoc />
    public override int GetHashCode() => Index;
}

/// <summary>The layers of torchvision's AlexNet in forward order, with their state-dict names.</summary>
public static class AlexNetLayers
{
    /// <summary>Input side length the network is trained for.</summary>
    public const int InputSize = 224;

    /// <summary>Number of ImageNet classes.</summary>
    public const int ClassCount = 1000;

    /// <summary>Every layer, features.0 … classifier.6.</summary>
    public static IReadOnlyList<LayerInfo> All { get; } = Build();

    /// <summary>Layers worth a slider stop: every layer except the dropouts, which are the identity at inference.</summary>
    public static IReadOnlyList<LayerInfo> Visible { get; } = All.Where(l => l.Kind != LayerKind.Dropout).ToArray();

    /// <summary>A layer's position among the <see cref="Visible"/> layers (the slider's stops), or −1 for a dropout.</summary>
    public static int VisibleIndex(LayerInfo layer)
    {
        for (int i = 0; i < Visible.Count; i++)
            if (Visible[i].Equals(layer)) return i;
        return -1;
    }

    /// <summary>The convolution layers, in order.</summary>
    public static IReadOnlyList<LayerInfo> Convolutions { get; } = All.Where(l => l.Kind == LayerKind.Convolution).ToArray();

    /// <summary>
    /// The convolution whose filters made this layer's channels (conv1 for conv1, relu1 and pool1; conv5 for avgpool),
    /// or null for the fully connected part.
    /// </summary>
    public static LayerInfo? KernelSource(LayerInfo layer)
    {
        for (int i = layer.Index; i >= 0; i--)
        {
            var l = All[i];
            if (l.Kind == LayerKind.Convolution) return l;
            if (!l.IsSpatial) return null;
        }
        return null;
    }

    /// <summary>Finds a layer by torchvision name (<c>features.0</c>) or alias (<c>conv1</c>); null when unknown.</summary>
    public static LayerInfo? Find(string nameOrAlias) =>
        All.FirstOrDefault(l => string.Equals(l.Name, nameOrAlias, StringComparison.OrdinalIgnoreCase)
                             || string.Equals(l.Alias, nameOrAlias, StringComparison.OrdinalIgnoreCase));

    /// <summary>Finds a layer or throws an <see cref="ArgumentException"/> listing the valid names.</summary>
    public static LayerInfo Get(string nameOrAlias) => Find(nameOrAlias)
        ?? throw new ArgumentException($"AlexNet has no layer '{nameOrAlias}'. Layers: {string.Join(", ", All.Select(l => $"{l.Name} ({l.Alias})"))}.");

    static LayerInfo[] Build()
    {
        var rows = new (string Name, string Alias, LayerKind Kind, int[] Shape)[]
        {
            ("features.0", "conv1", LayerKind.Convolution, [64, 55, 55]),
            ("features.1", "relu1", LayerKind.ReLU, [64, 55, 55]),
            ("features.2", "pool1", LayerKind.MaxPool, [64, 27, 27]),
            ("features.3", "conv2", LayerKind.Convolution, [192, 27, 27]),
            ("features.4", "relu2", LayerKind.ReLU, [192, 27, 27]),
            ("features.5", "pool2", LayerKind.MaxPool, [192, 13, 13]),
            ("features.6", "conv3", LayerKind.Convolution, [384, 13, 13]),
            ("features.7", "relu3", LayerKind.ReLU, [384, 13, 13]),
            ("features.8", "conv4", LayerKind.Convolution, [256, 13, 13]),
            ("features.9", "relu4", LayerKind.ReLU, [256, 13, 13]),
            ("features.10", "conv5", LayerKind.Convolution, [256, 13, 13]),
            ("features.11", "relu5", LayerKind.ReLU, [256, 13, 13]),
            ("features.12", "pool5", LayerKind.MaxPool, [256, 6, 6]),
            ("avgpool", "avgpool", LayerKind.AdaptiveAvgPool, [256, 6, 6]),
            ("classifier.0", "drop6", LayerKind.Dropout, [9216]),
            ("classifier.1", "fc6", LayerKind.Linear, [4096]),
            ("classifier.2", "relu6", LayerKind.ReLU, [4096]),
            ("classifier.3", "drop7", LayerKind.Dropout, [4096]),
            ("classifier.4", "fc7", LayerKind.Linear, [4096]),
            ("classifier.5", "relu7", LayerKind.ReLU, [4096]),
            ("classifier.6", "fc8", LayerKind.Linear, [1000]),
        };
        // Kernel, stride and padding as torchvision's AlexNet declares them; the oracle checks them by perturbing pixels.
        var windows = new Dictionary<string, Window>
        {
            ["conv1"] = new(11, 4, 2), ["conv2"] = new(5, 1, 2), ["conv3"] = new(3, 1, 1), ["conv4"] = new(3, 1, 1),
            ["conv5"] = new(3, 1, 1), ["pool1"] = new(3, 2, 0), ["pool2"] = new(3, 2, 0), ["pool5"] = new(3, 2, 0),
        };
        return rows.Select((r, i) => new LayerInfo(i, r.Name, r.Alias, r.Kind, r.Shape,
            windows.GetValueOrDefault(r.Alias, Window.Identity))).ToArray();
    }
}
