using AlexVis.Model.Imaging;
using AlexVis.Model.Inference;
using AlexVis.Model.Labels;
using AlexVis.Model.Network;
using AlexVis.Web.Services;

namespace AlexVis.Web.Tests.Support;

/// <summary>Traces and images with values one can work out by hand, for components tested without a forward.</summary>
public static class HandMade
{
    /// <summary>Untrained weights, as the status reports them.</summary>
    public static WeightsInfo Untrained { get; } = new(WeightsKind.Untrained, null, "seed 0", "no weights file was found", []);

    /// <summary>Pretrained weights from the torch hub cache, as the status reports them.</summary>
    public static WeightsInfo Pretrained { get; } = new(WeightsKind.Pretrained, "/home/t/.cache/torch/hub/checkpoints/alexnet-owt-7be5be79.pth", "torch hub cache", null, []);

    /// <summary>Channel c of every layer holds c + (row·width + column) / 1000; the top five classes are 281, 285, 282, 287, 292.</summary>
    public static ActivationTrace Trace()
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
        return new ActivationTrace(layers, logits, probabilities, predictions, new RgbImage(224, 224, new byte[224 * 224 * 3]), Untrained);
    }

    /// <summary>An image with the hand-made trace.</summary>
    public static TracedImage Image(string name = "chelsea.png", string? sample = "chelsea", long version = 1) =>
        new(version, name, $"key{version}", sample, $"api/crops/key{version}.png", Trace(), TimeSpan.FromMilliseconds(42));
}
