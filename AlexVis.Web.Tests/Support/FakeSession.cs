using AlexVis.Model.Imaging;
using AlexVis.Model.Inference;
using AlexVis.Model.Labels;
using AlexVis.Model.Network;
using AlexVis.Model.Visualization;
using AlexVis.Web.Services;

namespace AlexVis.Web.Tests.Support;

/// <summary>
/// A visualization session with hand-made data and no network behind it: components are tested against it without
/// libtorch. Every request a component makes is recorded.
/// </summary>
public sealed class FakeSession : IVisualizationSession
{
    public event Action? Changed;

    public event Action<string>? UploadFailed;

    public string UploadToken { get; } = "token-of-this-page";

    public void FailUpload(string message) => UploadFailed?.Invoke(message);

    public ModelStatus ModelStatus { get; set; } = new(ModelStage.Ready, "ready", null, Untrained);
    public IReadOnlyList<SampleInfo> Samples { get; set; } =
    [
        new("chelsea", "chelsea.png", "api/samples/chelsea/thumbnail.png"),
        new("coffee", "coffee.png", "api/samples/coffee/thumbnail.png"),
    ];
    public ImageLimits Limits { get; set; } = new() { MaxBytes = 1024 * 1024, MaxPixels = 1_000_000 };
    public ImageView? Image { get; set; }
    public LayerInfo Layer { get; set; } = AlexNetLayers.Visible[0];
    public int? Channel { get; set; }
    public ScaleMode Scale { get; set; }
    public Colormap Colormap { get; set; }
    public string? Busy { get; set; }

    /// <summary>What the next load or upload returns (null: success).</summary>
    public string? NextError { get; set; }

    public List<string> SamplesLoaded { get; } = [];
    public List<(string Name, long Size, byte[] Bytes)> Uploads { get; } = [];
    public List<string> Calls { get; } = [];

    public static WeightsInfo Untrained { get; } = new(WeightsKind.Untrained, null, "seed 0", "no weights file was found", []);

    public static WeightsInfo Pretrained { get; } = new(WeightsKind.Pretrained, "/home/t/.cache/torch/hub/checkpoints/alexnet-owt-7be5be79.pth", "torch hub cache", null, []);

    /// <summary>Puts a hand-made image in: channel c of every spatial layer holds c + (row·width + column) / 1000.</summary>
    public ImageView ShowImage(string name = "chelsea.png", string? sample = "chelsea", long version = 1)
    {
        Image = new ImageView(version, name, $"key{version}", sample, $"api/crops/key{version}.png", MakeTrace(), TimeSpan.FromMilliseconds(42));
        Raise();
        return Image;
    }

    public static Trace MakeTrace()
    {
        var layers = AlexNetLayers.All.Select(l =>
        {
            var data = new float[l.Count];
            int plane = l.Height * l.Width;
            for (int i = 0; i < data.Length; i++) data[i] = i / plane + (i % plane) / 1000f;
            return new FeatureMaps(l, data);
        }).ToArray();
        var logits = layers[^1].Data;
        var probabilities = new float[1000];
        float[] top = [0.5312f, 0.2f, 0.1f, 0.05f, 0.02f];
        int[] classes = [281, 285, 282, 287, 292];
        for (int i = 0; i < 5; i++) probabilities[classes[i]] = top[i];
        var predictions = classes.Select((c, i) => new Prediction(i + 1, c, ImageNetClasses.Names[c], top[i], logits[c])).ToArray();
        return new Trace(layers, logits, probabilities, predictions, new RgbImage(224, 224, new byte[224 * 224 * 3]), Untrained);
    }

    public void Raise() => Changed?.Invoke();

    public Task<string?> LoadSampleAsync(string name)
    {
        SamplesLoaded.Add(name);
        return Task.FromResult(NextError);
    }

    public async Task<string?> UploadAsync(Stream content, long size, string name)
    {
        using var ms = new MemoryStream();
        await content.CopyToAsync(ms);
        Uploads.Add((name, size, ms.ToArray()));
        return NextError;
    }

    public void SelectLayer(LayerInfo layer)
    {
        Calls.Add($"layer {layer.Alias}");
        Layer = layer;
        Raise();
    }

    public void SelectChannel(int? channel)
    {
        Calls.Add($"channel {channel?.ToString() ?? "none"}");
        Channel = channel;
        Raise();
    }

    public void SetScale(ScaleMode scale)
    {
        Calls.Add($"scale {scale}");
        Scale = scale;
        Raise();
    }

    public void SetColormap(Colormap colormap)
    {
        Calls.Add($"colormap {colormap}");
        Colormap = colormap;
        Raise();
    }

    public Task<MontageView?> MontageAsync() => Task.FromResult(Montage());

    public MontageView? Montage()
    {
        if (Image is not { } image || !Layer.IsSpatial) return null;
        var q = Model.Visualization.Montage.Quantise(image.Trace[Layer], Scale, (0f, 100f), topLevel: 127);
        var png = IndexedPng.Encode(q.Levels, q.Layout.Width, q.Layout.Height, IndexedPng.MontagePalette(Colormap.Viridis, 127, (255, 255, 255)));
        return new MontageView(Views.MontageKey(image.ContentKey, Layer, Scale), Layer, Scale, png, q.Layout, q.Low, q.High, 127);
    }

    public float[]? ChannelValues(LayerInfo layer, int channel, long version) =>
        Image is { } image && image.Version == version ? image.Trace[layer].Channel(channel).ToArray() : null;

    public float[]? LayerValues(LayerInfo layer) => Image?.Trace[layer].Data;

    public ChannelStats? Stats(LayerInfo layer, int channel) => Image?.Trace[layer].Stats(channel);

    public KernelView? Kernels(LayerInfo layer, int page, bool channels = false)
    {
        Calls.Add($"kernels {layer.Alias} {page}{(channels ? " channels" : "")}");
        if (!ModelStatus.IsReady) return null;
        int inChannels = InChannels[layer.Alias];
        bool colour = inChannels == 3 && !channels;
        var pages = KernelPages.For(layer.Channels, inChannels, 16);
        var filters = MontageLayout.For(pages.OnPage(page), 3, 3);
        var png = Png.Encode(new RgbImage(filters.Width, filters.Height, new byte[filters.Width * filters.Height * 3]));
        return new KernelView($"k.{layer.Index}.{page}{(colour ? "" : ".grey")}", layer, colour, png, filters, colour ? null : MontageLayout.For(inChannels, 3, 3),
            pages.FirstFilter(page), page, pages.Count, [layer.Channels, inChannels, 3, 3], pages.PerPage);
    }

    public float[]? FilterWeights(LayerInfo layer, int filter) => new float[InChannels[layer.Alias] * 9];

    static readonly Dictionary<string, int> InChannels = new() { ["conv1"] = 3, ["conv2"] = 64, ["conv3"] = 192, ["conv4"] = 384, ["conv5"] = 256 };
}
