using System.Text.Json;
using AlexVis.Model.Imaging;

namespace AlexVis.Model.Tests.Support;

/// <summary>Reads what tools/oracle/make_references.py wrote for one image.</summary>
public sealed class OracleImage
{
    readonly byte[] blob;
    readonly JsonElement meta;

    OracleImage(string name)
    {
        Name = name;
        var folder = Path.Combine(Repo.Oracle, name);
        blob = File.ReadAllBytes(Path.Combine(folder, "values.bin"));
        meta = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "meta.json"))).RootElement.Clone();
        CropPath = Path.Combine(folder, "crop.png");
        var file = meta.GetProperty("file").GetString()!;
        SourcePath = file.StartsWith("samples/") ? Path.Combine(Repo.Root, file) : Path.Combine(Repo.Oracle, file);
    }

    public static IReadOnlyList<string> Names { get; } = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Repo.Oracle, "index.json")))
        .RootElement.GetProperty("images").EnumerateArray().Select(e => e.GetProperty("name").GetString()!).ToArray();

    /// <summary>Files PIL refuses (index.json's "refused"): name, path, and PIL's error.</summary>
    public static IReadOnlyList<(string Name, string Path, string PilError)> Refused { get; } =
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Repo.Oracle, "index.json"))).RootElement.GetProperty("refused").EnumerateArray()
            .Select(e => (e.GetProperty("name").GetString()!, Path.Combine(Repo.Oracle, e.GetProperty("file").GetString()!), e.GetProperty("pil").GetString()!))
            .ToArray();

    public static TheoryData<string> All()
    {
        var data = new TheoryData<string>();
        foreach (var n in Names) data.Add(n);
        return data;
    }

    static readonly Dictionary<string, OracleImage> cache = new();

    public static OracleImage Load(string name)
    {
        lock (cache)
        {
            if (!cache.TryGetValue(name, out var image))
                cache[name] = image = new OracleImage(name);
            return image;
        }
    }

    public string Name { get; }

    /// <summary>The image file the oracle started from.</summary>
    public string SourcePath { get; }

    /// <summary>torchvision's 224×224 crop as an 8-bit PNG.</summary>
    public string CropPath { get; }

    /// <summary>The source image's width and height.</summary>
    public int[] Size => meta.GetProperty("size").EnumerateArray().Select(e => e.GetInt32()).ToArray();

    /// <summary>PIL's mode for the source image (RGB, L, P, RGBA, I, CMYK).</summary>
    public string Mode => meta.GetProperty("mode").GetString()!;

    /// <summary>
    /// The scale PIL's Image.draft decoded this JPEG at for the references (1: not reduced). Its crop.png is then
    /// that of the drafted image (AlexVis's default) and crop_full.png that of every pixel.
    /// </summary>
    public int DraftScale => meta.GetProperty("draft_scale").GetInt32();

    /// <summary>PyTorch's exact input tensor, rebuilt from the crop (the oracle asserts this is bit-identical).</summary>
    public ModelInput Input() => InputFrom(CropPath);

    /// <summary>PyTorch's input for the fully decoded image: <see cref="Input"/> unless draft reduced the image.</summary>
    public ModelInput FullDecodeInput() => DraftScale == 1 ? Input() : InputFrom(Path.Combine(Path.GetDirectoryName(CropPath)!, "crop_full.png"));

    static ModelInput InputFrom(string png)
    {
        var crop = ImageDecoder.Decode(File.ReadAllBytes(png), new ImageLimits());
        return ModelInput.FromCrop(crop);
    }

    public int[] Top5 => meta.GetProperty("top5").EnumerateArray().Select(e => e.GetProperty("index").GetInt32()).ToArray();

    public float[] Logits => Floats(meta.GetProperty("logits"));

    public IEnumerable<OracleLayer> Layers => meta.GetProperty("layers").EnumerateArray().Select(l => new OracleLayer(
        l.GetProperty("name").GetString()!,
        l.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray(),
        l.GetProperty("max_abs").GetDouble(),
        l.TryGetProperty("full", out var full) ? Floats(full) : null,
        l.TryGetProperty("samples", out var samples) ? Floats(samples) : null,
        l.TryGetProperty("channel_sum", out var sums) ? Doubles(sums) : null,
        l.TryGetProperty("channel_abs_sum", out var abs) ? Doubles(abs) : null));

    /// <summary>The ablation cases (bundled samples only): channels off per layer, PyTorch's top-5, logits and pool5.</summary>
    public IReadOnlyList<OracleAblation> Ablations()
    {
        var folder = Path.GetDirectoryName(CropPath)!;
        var bytes = File.ReadAllBytes(Path.Combine(folder, "ablation.bin"));
        float[] Read(JsonElement e) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(
            bytes.AsSpan(e.GetProperty("offset").GetInt32(), e.GetProperty("count").GetInt32() * 4)).ToArray();
        return JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "ablation.json"))).RootElement.GetProperty("cases").EnumerateArray()
            .Select(c => new OracleAblation(
                string.Join(';', c.GetProperty("ablate").EnumerateObject().Select(p => $"{p.Name}:{string.Join(',', p.Value.EnumerateArray().Select(v => v.GetInt32()))}")),
                c.GetProperty("top5").EnumerateArray().Select(v => v.GetInt32()).ToArray(),
                Read(c.GetProperty("logits")), Read(c.GetProperty("pool5"))))
            .ToArray();
    }

    float[] Floats(JsonElement where)
    {
        int offset = where.GetProperty("offset").GetInt32(), count = where.GetProperty("count").GetInt32();
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(blob.AsSpan(offset, count * 4)).ToArray();
    }

    double[] Doubles(JsonElement where)
    {
        int offset = where.GetProperty("offset").GetInt32(), count = where.GetProperty("count").GetInt32();
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(blob.AsSpan(offset, count * 8)).ToArray();
    }

    public static float[] FullConv1(string name) =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(Repo.Oracle, $"conv1-{name}.f32"))).ToArray();
}

/// <summary>One ablation case: the channels off as <c>conv3:5,17,200;conv5:3</c>, and PyTorch's answer.</summary>
public sealed record OracleAblation(string Ablate, int[] Top5, float[] Logits, float[] Pool5);

/// <summary>One layer's reference values. Samples sit at index k * numel / count.</summary>
public sealed record OracleLayer(string Name, int[] Shape, double MaxAbs, float[]? Full, float[]? Samples, double[]? ChannelSum, double[]? ChannelAbsSum)
{
    public long SampleIndex(int k) => (long)k * Shape.Aggregate(1L, (a, b) => a * b) / Samples!.Length;
}
