using System.Globalization;
using System.Text;
using System.Text.Json;
using AlexVis.Model.Imaging;
using AlexVis.Model.Imaging.Isolation;
using AlexVis.Model.Inference;
using AlexVis.Model.Network;
using AlexVis.Model.Visualization;

namespace AlexVis.Cli;

/// <summary>A usage or input problem reported as one line on stderr.</summary>
sealed class CliException(string message) : Exception(message);

/// <summary>The <c>alexvis</c> command line: predictions and figures for teachers and scripts.</summary>
static class CliApp
{
    const int KernelPageSize = 16;

    public const string Usage = """
        usage:
          alexvis predict IMAGE... [--json] [--top K] [--weights PATH | --untrained] [--no-download] [--threads N]
                          [--full-decode]
          alexvis export IMAGE --layer NAME --what maps|kernels --out FILE.png
                         [--scale per-channel|per-layer|global] [--colormap viridis|grey] [--page N]
                         [--weights PATH | --untrained] [--full-decode]
        Layers are named as in torchvision (features.0 … classifier.6) or by alias (conv1, relu1, pool1 … fc8).
        Without --weights or --untrained, pretrained weights are looked for in the torch hub cache and AlexVis's
        cache, then downloaded; if that fails the untrained network is used and said so.
        A large JPEG is decoded reduced, as PIL's Image.draft does for Image.thumbnail (twice the network's 256-pixel
        resize at least); --full-decode decodes every pixel, as torchvision on Image.open itself.
        Kernels of conv1 are drawn in colour; deeper layers as grey input-channel slices, 16 filters per page.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
            {
                stdout.WriteLine(Usage);
                return args.Length == 0 ? 2 : 0;
            }
            var options = Options.Parse(args[1..]);
            return args[0] switch
            {
                "predict" => await PredictAsync(options, stdout, stderr),
                "export" => await ExportAsync(options, stdout, stderr),
                _ => throw new CliException($"unknown command '{args[0]}'; use 'predict' or 'export' (alexvis --help)"),
            };
        }
        catch (Exception e) when (e is CliException or WeightsFileException or ImageRejectedException or IOException
                                      or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
        {
            stderr.WriteLine("alexvis: " + OneLine(e.Message));
            return 2;
        }
        catch (Exception e)
        {
            // Never a stack trace: one line, and a code scripts can tell from a bad argument.
            stderr.WriteLine($"alexvis: internal error ({e.GetType().Name}): {OneLine(e.Message)}");
            return 3;
        }
    }

    static string OneLine(string message) => message.ReplaceLineEndings(" ");

    static async Task<int> PredictAsync(Options o, TextWriter stdout, TextWriter stderr)
    {
        if (o.Positional.Count == 0) throw new CliException("predict needs at least one image");
        int top = o.Int("--top", 5);
        if (top is < 1 or > 1000) throw new CliException("--top must be between 1 and 1000");
        bool json = o.Flag("--json");
        bool fullDecode = o.Flag("--full-decode");
        o.RejectUnknown();

        using var model = await LoadModelAsync(o, stderr);
        await using var decoders = Decoders(fullDecode);
        int failures = 0;
        foreach (var file in o.Positional)
        {
            ActivationTrace trace;
            try
            {
                trace = model.Trace((await ReadImageAsync(decoders, file)).Input, top);
            }
            catch (Exception e) when (e is ImageRejectedException or CliException or IOException or UnauthorizedAccessException)
            {
                // One line for this file; the others are still processed.
                stderr.WriteLine("alexvis: " + OneLine(e.Message));
                failures++;
                continue;
            }
            if (json) stdout.WriteLine(Json(file, trace));
            else
            {
                stdout.WriteLine($"{file}  ({trace.Weights.Describe()})");
                foreach (var p in trace.Top)
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {p.Rank,2}. {p.Label,-32} {p.Probability * 100,8:0.00}%  (class {p.ClassIndex}, logit {p.Logit:0.0000})"));
            }
        }
        return failures == 0 ? 0 : 1;
    }

    static async Task<int> ExportAsync(Options o, TextWriter stdout, TextWriter stderr)
    {
        if (o.Positional.Count != 1) throw new CliException("export needs exactly one image");
        var layer = AlexNetLayers.Find(o.Value("--layer") ?? throw new CliException("export needs --layer, e.g. --layer features.0"))
            ?? throw new CliException($"unknown layer '{o.Value("--layer")}'; use features.0 … classifier.6 or conv1 … fc8");
        var what = o.Value("--what") ?? "maps";
        var outPath = o.Value("--out") ?? throw new CliException("export needs --out FILE.png");
        var scale = o.Value("--scale") ?? "per-channel";
        var colormap = (o.Value("--colormap") ?? "viridis") switch
        {
            "viridis" => Colormap.Viridis,
            "grey" or "gray" => Colormap.Grey,
            var c => throw new CliException($"unknown colormap '{c}'; use viridis or grey"),
        };
        var mode = scale switch
        {
            "per-channel" => ScaleMode.PerChannel,
            "per-layer" => ScaleMode.PerLayer,
            "global" => ScaleMode.Global,
            _ => throw new CliException($"unknown scale '{scale}'; use per-channel, per-layer or global"),
        };
        if (what is not ("maps" or "kernels")) throw new CliException($"--what must be maps or kernels, not '{what}'");
        int pageNumber = o.Int("--page", 1);
        if (pageNumber < 1) throw new CliException("--page counts from 1");
        if (what == "kernels" && layer.Kind != LayerKind.Convolution)
            throw new CliException($"{layer.Name} ({layer.Alias}) has no kernels; choose a convolution layer: conv1 … conv5");
        bool fullDecode = o.Flag("--full-decode");
        o.RejectUnknown();

        ModelInput input;
        await using (var decoders = Decoders(fullDecode)) input = (await ReadImageAsync(decoders, o.Positional[0])).Input;
        using var model = await LoadModelAsync(o, stderr);
        RgbImage figure;
        if (what == "maps")
        {
            var trace = model.Trace(input);
            var montage = Montage.Quantise(trace[layer], mode, mode == ScaleMode.Global ? Montage.GlobalRange(trace) : null);
            figure = Montage.Colourise(montage, colormap, Math.Max(1, (int)Math.Ceiling(800.0 / montage.Layout.Width)));
        }
        else
        {
            var kernels = model.Kernels(layer.Name);
            if (kernels.InChannels == 3)
            {
                var (colour, layout) = KernelFigures.ColourFilters(kernels);
                figure = KernelFigures.Enlarge(colour, Math.Max(1, 600 / layout.Width));
            }
            else
            {
                // Deeper layers have hundreds of filters with hundreds of slices each: one readable page at a time.
                var pages = KernelPages.For(kernels.OutChannels, kernels.InChannels, KernelPageSize);
                if (pageNumber > pages.Count) throw new CliException($"{layer.Alias} has {pages.Count} pages of {pages.PerPage} filters; --page must be 1–{pages.Count}");
                var page = KernelFigures.Slices(kernels, pages.FirstFilter(pageNumber - 1), pages.PerPage);
                figure = KernelFigures.Draw(page, Math.Max(1, 900 / page.Filters.Width), (40, 40, 40));
            }
        }
        var directory = Path.GetDirectoryName(Path.GetFullPath(outPath));
        if (directory is not null && !Directory.Exists(directory))
            throw new CliException($"cannot write '{outPath}': the folder '{directory}' does not exist");
        await File.WriteAllBytesAsync(outPath, Png.Encode(figure));
        stdout.WriteLine($"wrote {outPath}: {layer.Label}, {what}, {figure.Width}×{figure.Height} px ({model.Weights.Describe()})");
        return 0;
    }

    /// <summary>One decoder worker process (this program with --decode-worker): a file that would crash or hang it is refused at its deadline.</summary>
    static DecoderPool Decoders(bool fullDecode) => new(new DecoderOptions { Workers = 1, ReduceLargeJpegs = !fullDecode }, limits);

    static readonly ImageLimits limits = new();

    static async Task<DecodedImage> ReadImageAsync(DecoderPool decoders, string file)
    {
        string name = DisplayName.Of(file);
        if (!File.Exists(file)) throw new CliException($"'{name}' does not exist");
        long length = new FileInfo(file).Length;
        if (length > limits.MaxBytes) throw ImageDecoder.TooLarge(length, limits, name); // refused without reading it
        return await decoders.DecodeAsync(await File.ReadAllBytesAsync(file), name);
    }

    static async Task<AlexNetModel> LoadModelAsync(Options o, TextWriter stderr)
    {
        TorchRuntime.Initialise(o.Int("--threads", Math.Max(1, Environment.ProcessorCount)));
        var weights = o.Value("--weights");
        bool untrained = o.Flag("--untrained");
        bool noDownload = o.Flag("--no-download");
        if (weights is not null && untrained) throw new CliException("use either --weights or --untrained, not both");
        if (weights is not null) return AlexNetModel.FromFile(weights, "command line", DeviceChoice.Auto);
        if (untrained) return AlexNetModel.Untrained("--untrained was given", DeviceChoice.Auto);
        var progress = new ConsoleProgress(stderr);
        var model = await ModelLoader.LoadAsync(new WeightsOptions { AllowDownload = !noDownload }, progress);
        progress.Done();
        if (!model.Weights.IsPretrained) stderr.WriteLine("alexvis: note: untrained network: " + model.Weights.Reason);
        return model;
    }

    static string Json(string file, ActivationTrace trace)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("file", file);
            w.WriteString("weights", trace.Weights.Describe());
            w.WriteStartArray("top");
            foreach (var p in trace.Top)
            {
                w.WriteStartObject();
                w.WriteNumber("index", p.ClassIndex);
                w.WriteString("label", p.Label);
                w.WriteNumber("probability", p.Probability);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("logits");
            foreach (var l in trace.Logits) w.WriteNumberValue(l);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Download progress on one stderr line, only when stderr is a terminal.</summary>
    sealed class ConsoleProgress(TextWriter stderr) : IProgress<LoadProgress>
    {
        readonly bool live = !Console.IsErrorRedirected;
        bool shown;

        public void Report(LoadProgress value)
        {
            if (value.Stage != LoadStage.Downloading) return;
            if (live) { stderr.Write("\r" + value.Message.PadRight(70)); shown = true; }
        }

        public void Done()
        {
            if (shown) stderr.WriteLine();
        }
    }
}

/// <summary>Minimal option parsing: --name value, --flag, and positional arguments.</summary>
sealed class Options
{
    static readonly HashSet<string> flags = ["--json", "--untrained", "--no-download"];
    readonly Dictionary<string, string?> named = new();
    readonly HashSet<string> used = [];

    public List<string> Positional { get; } = [];

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal)) { o.Positional.Add(a); continue; }
            // A flag, or an option whose value is missing: reading it as a value (Value) then says so.
            if (flags.Contains(a) || i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                o.named[a] = null;
                continue;
            }
            o.named[a] = args[++i];
        }
        return o;
    }

    public string? Value(string name)
    {
        used.Add(name);
        if (!named.TryGetValue(name, out var v)) return null;
        return v ?? throw new CliException($"{name} needs a value");
    }

    public bool Flag(string name)
    {
        used.Add(name);
        return named.ContainsKey(name);
    }

    public int Int(string name, int fallback)
    {
        var v = Value(name);
        if (v is null) return fallback;
        return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new CliException($"{name} needs a whole number, not '{v}'");
    }

    public void RejectUnknown()
    {
        // The model options are read later; count them as known.
        used.UnionWith(["--weights", "--untrained", "--no-download", "--threads"]);
        var unknown = named.Keys.FirstOrDefault(k => !used.Contains(k));
        if (unknown is not null) throw new CliException($"unknown option '{unknown}' (alexvis --help)");
    }
}
