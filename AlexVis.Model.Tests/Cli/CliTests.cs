using System.Diagnostics;
using System.Text.Json;
using AlexVis.Model.Imaging;
using AlexVis.Model.Network;
using AlexVis.Model.Tests.Support;
using AlexVis.Model.Visualization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace AlexVis.Model.Tests.Cli;

/// <summary>The alexvis command run as a separate process, as a teacher's script would.</summary>
public class CliTests
{
    static readonly string chelsea = Path.Combine(Repo.Samples, "chelsea.png");

    static (int Exit, string Out, string Err, TimeSpan Took) Run(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "alexvis.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["XDG_CACHE_HOME"] = Path.Combine(Path.GetTempPath(), "alexvis-cli-test-cache"); // never a real cache
        var watch = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(60_000), "alexvis did not finish");
        return (p.ExitCode, stdout.Result, stderr.Result, watch.Elapsed);
    }

    [Fact]
    public void Predict_prints_the_top5_with_the_weights_source()
    {
        var r = Run("predict", chelsea, "--untrained");
        Assert.Equal(0, r.Exit);
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"{chelsea}  (untrained:--untrained was given)", lines[0]);
        Assert.Equal(6, lines.Length);
        Assert.StartsWith("   1. magpie ", lines[1]);
        Assert.Contains("(class 18,", lines[1]);
    }

    [Fact]
    public void Json_lines_carry_pytorchs_top_k_and_logits()
    {
        var oracle = OracleImage.Load("chelsea");
        var rocket = Path.Combine(Repo.Samples, "rocket.jpg");
        var r = Run("predict", chelsea, rocket, "--untrained", "--json", "--top", "5");
        Assert.Equal(0, r.Exit);
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using var doc = JsonDocument.Parse(lines[0]);
        var root = doc.RootElement;
        Assert.Equal(chelsea, root.GetProperty("file").GetString());
        Assert.Equal("untrained:--untrained was given", root.GetProperty("weights").GetString());
        Assert.Equal(oracle.Top5, root.GetProperty("top").EnumerateArray().Select(t => t.GetProperty("index").GetInt32()));
        Assert.Equal("magpie", root.GetProperty("top")[0].GetProperty("label").GetString());
        var logits = root.GetProperty("logits").EnumerateArray().Select(l => l.GetSingle()).ToArray();
        Assert.Equal(1000, logits.Length);
        var reference = oracle.Logits;
        Assert.True(logits.Select((v, i) => Math.Abs(v - reference[i])).Max() <= 1e-6 * reference.Max(Math.Abs));
        using var second = JsonDocument.Parse(lines[1]);
        Assert.Equal(OracleImage.Load("rocket").Top5, second.RootElement.GetProperty("top").EnumerateArray().Select(t => t.GetProperty("index").GetInt32()));
    }

    [Fact]
    public void Predict_with_channels_switched_off_gives_pytorchs_ablated_answer()
    {
        var oracle = OracleImage.Load("chelsea");
        var reference = oracle.Ablations().Single(a => a.Ablate == "conv2:10,20;conv4:7");
        var r = Run("predict", chelsea, "--ablate", "conv4:7", "--ablate", "conv2:20,10", "--untrained", "--json");
        Assert.True(r.Exit == 0, r.Err);
        using var doc = JsonDocument.Parse(r.Out.Trim());
        Assert.Equal("conv2:10,20;conv4:7", doc.RootElement.GetProperty("ablated").GetString());
        Assert.Equal(reference.Top5, doc.RootElement.GetProperty("top").EnumerateArray().Select(t => t.GetProperty("index").GetInt32()));
        var logits = doc.RootElement.GetProperty("logits").EnumerateArray().Select(l => l.GetSingle()).ToArray();
        Assert.True(logits.Select((v, i) => Math.Abs(v - reference.Logits[i])).Max() <= 1e-5 * reference.Logits.Max(Math.Abs));
        Assert.NotEqual(oracle.Logits, logits);
    }

    public static TheoryData<string[], string> BadInputs() => new()
    {
        { ["predict", "/nonexistent.jpg", "--untrained"], "alexvis: '/nonexistent.jpg' does not exist" },
        { ["predict", Path.Combine(Repo.Root, "tools", "oracle", "make_references.py"), "--untrained"], "is not a JPEG or PNG image" },
        { ["predict", chelsea, "--weights", Path.Combine(Repo.Oracle, "subset.pth")], "has no entry 'features.3.weight'" },
        { ["predict", chelsea, "--weights", Path.Combine(Repo.Root, "tools", "oracle", "make_references.py")], "is neither a PyTorch state_dict" },
        { ["predict", chelsea, "--top", "--json", "--untrained"], "--top needs a value" },
        { ["export", chelsea, "--layer", "conv9", "--out", "/tmp/x.png", "--untrained"], "unknown layer 'conv9'" },
        { ["export", chelsea, "--layer", "relu1", "--what", "kernels", "--out", "/tmp/x.png", "--untrained"], "has no kernels" },
        { ["predict", chelsea, "--frobnicate", "--untrained"], "unknown option '--frobnicate'" },
        { ["predict", chelsea, "--ablate", "relu3:5", "--untrained"], "alexvis: --ablate: relu3 is not a convolution layer" },
        { ["bake", chelsea], "unknown command 'bake'" },
        { ["explain", chelsea, "--method", "deconvnet", "--layer", "fc6", "--channel", "1", "--untrained"], "--layer fc6 has no channels to project" },
        { ["explain", chelsea, "--method", "guided", "--layer", "conv5", "--channel", "256", "--untrained"], "--channel must be 0–255 for conv5, not 256" },
        { ["explain", chelsea, "--method", "saliency", "--class", "1000", "--untrained"], "--class must be 0–999, not 1000" },
        { ["explain", chelsea, "--method", "deconvnet", "--layer", "pool5", "--channel", "3", "--cell", "6,0", "--untrained"], "--cell 6,0 is outside pool5's 6×6 maps" },
        { ["explain", chelsea, "--method", "deconvnet", "--layer", "pool5", "--channel", "3", "--cell", "six", "--untrained"], "--cell needs ROW,COL" },
        { ["explain", chelsea, "--method", "lime", "--untrained"], "unknown method 'lime'" },
        { ["explain", chelsea, "--method", "gradcam", "--layer", "fc7", "--untrained"], "Grad-CAM needs conv1 … pool5" },
    };

    [Theory, MemberData(nameof(BadInputs))]
    public void Bad_input_exits_non_zero_with_one_clear_line(string[] args, string expected)
    {
        var r = Run(args);
        Assert.NotEqual(0, r.Exit);
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("alexvis: ", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.DoesNotContain("   at ", r.Err);
        Assert.True(r.Took < TimeSpan.FromSeconds(10), $"took {r.Took}");
    }

    [Fact]
    public void Explain_prints_pytorchs_grad_cam_as_one_json_line_and_draws_it_over_the_photo()
    {
        using var dir = new TempDir();
        var file = dir.File("cam.png");
        var r = Run("explain", chelsea, "--method", "gradcam", "--layer", "conv5", "--json", "--out", file, "--untrained");
        Assert.Equal(0, r.Exit);
        using var doc = JsonDocument.Parse(Assert.Single(r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        var root = doc.RootElement;
        Assert.Equal((chelsea, "gradcam", "features.10"), (root.GetProperty("file").GetString(), root.GetProperty("method").GetString(), root.GetProperty("layer").GetString()));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("channel").ValueKind);
        Assert.Equal(OracleImage.Load("chelsea").Top5[0], root.GetProperty("class").GetInt32()); // the top-1 by default
        Assert.Equal([13, 13], root.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));

        // The oracle's Grad-CAM of conv5 for the top-1, in full (169 values): PyTorch's, from the file.
        var reference = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Repo.Oracle, "chelsea", "explain.json"))).RootElement.GetProperty("cases")
            .EnumerateArray().First(c => c.GetProperty("method").GetString() == "gradcam" && c.GetProperty("layer").GetString() == "conv5");
        var bin = File.ReadAllBytes(Path.Combine(Repo.Oracle, "chelsea", "explain.bin"));
        var expected = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bin.AsSpan(reference.GetProperty("offset").GetInt32(), 169 * 4)).ToArray();
        var map = root.GetProperty("map").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        Assert.Equal(169, map.Length);
        double max = reference.GetProperty("max_abs").GetDouble();
        Assert.All(map.Zip(expected), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-5 * max, $"{p.First} vs PyTorch {p.Second}"));

        // The figure: the library's overlay of that attribution on the crop.
        TorchRuntime.Initialise(2);
        using var model = AlexNetModel.Untrained("test", DeviceChoice.Cpu);
        var input = Preprocessing.Prepare(ImageDecoder.Decode(File.ReadAllBytes(chelsea), new ImageLimits()));
        var figure = AttributionFigure.Overlay(model.Explain(input, new AlexVis.Model.Explanation.ExplainRequest(
            AlexVis.Model.Explanation.ExplainMethod.GradCam, AlexNetLayers.Get("conv5"))), input.Crop);
        using var png = Image.Load<Rgb24>(file);
        var actual = new byte[224 * 224 * 3];
        png.CopyPixelDataTo(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Rgb24>(actual.AsSpan()));
        Assert.Equal(figure.Pixels, actual);
    }

    [Fact]
    public void Explain_in_words_names_the_target_and_the_class()
    {
        var r = Run("explain", chelsea, "--method", "deconvnet", "--layer", "relu3", "--channel", "5", "--cell", "6,7", "--untrained");
        Assert.Equal(0, r.Exit);
        Assert.StartsWith($"{chelsea}: deconvnet of relu3 channel 5 cell 6,7: [3×224×224], max |value| ", r.Out);
        r = Run("explain", chelsea, "--method", "saliency", "--class", "281", "--untrained");
        Assert.StartsWith($"{chelsea}: saliency of class 281 (tabby): [3×224×224]", r.Out);
    }

    [Fact]
    public void Export_maps_writes_the_viridis_montage_the_library_draws()
    {
        using var dir = new TempDir();
        var file = dir.File("maps.png");
        var r = Run("export", chelsea, "--layer", "features.0", "--what", "maps", "--out", file, "--untrained");
        Assert.Equal(0, r.Exit);

        TorchRuntime.Initialise(2);
        using var model = AlexNetModel.Untrained("test", DeviceChoice.Cpu);
        var trace = model.Trace(Preprocessing.Prepare(ImageDecoder.Decode(File.ReadAllBytes(chelsea), new ImageLimits())));
        var expected = Montage.Colourise(Montage.Quantise(trace["features.0"], ScaleMode.PerChannel), Colormap.Viridis, 2);

        using var png = Image.Load<Rgb24>(file);
        Assert.Equal((894, 894), (png.Width, png.Height));
        var actual = new byte[894 * 894 * 3];
        png.CopyPixelDataTo(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Rgb24>(actual.AsSpan()));
        Assert.Equal(expected.Pixels, actual);
    }

    [Fact]
    public void Export_kernels_draws_conv1_in_colour_and_conv2_as_grey_pages()
    {
        using var dir = new TempDir();
        Assert.Equal(0, Run("export", chelsea, "--layer", "conv1", "--what", "kernels", "--out", dir.File("k1.png"), "--untrained").Exit);
        Assert.Equal(0, Run("export", chelsea, "--layer", "conv2", "--what", "kernels", "--page", "12", "--out", dir.File("k2.png"), "--untrained").Exit);
        using var k1 = Image.Load<Rgb24>(dir.File("k1.png"));
        using var k2 = Image.Load<Rgb24>(dir.File("k2.png"));
        Assert.Equal((570, 570), (k1.Width, k1.Height)); // 8 × 11 + 7 gaps = 95 cells, ×6
        Assert.True(k2.Width > 600);
        bool grey = true;
        k2.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
                foreach (var p in rows.GetRowSpan(y))
                    grey &= p.R == p.G && p.G == p.B;
        });
        Assert.True(grey, "conv2 slices should be grey");
        var bad = Run("export", chelsea, "--layer", "conv2", "--what", "kernels", "--page", "13", "--out", dir.File("k3.png"), "--untrained");
        Assert.Contains("--page must be 1–12", bad.Err);
    }
}
