using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AlexVis.Model.Explanation;
using AlexVis.Model.Imaging;
using AlexVis.Model.Imaging.Isolation;
using AlexVis.Model.Labels;
using AlexVis.Model.Inference;
using AlexVis.Model.Network;
using AlexVis.Model.Visualization;

namespace AlexVis.Cli;

/// <summary>A usage or input problem reported as one line on stderr.</summary>
sealed class CliException(string message) : Exception(message);

/// <summary>
/// The <c>alexvis</c> command line: predictions, figures and explanations for teachers and scripts, parsed by
/// System.CommandLine. Every problem is one line on stderr: exit 2 for a bad argument or file, 3 for an internal error.
/// </summary>
static class CliApp
{
    const int KernelPageSize = 16;

    const string About = """
        Layers are named as in torchvision (features.0 … classifier.6) or by alias (conv1, relu1, pool1 … fc8).
        Without --weights or --untrained, pretrained weights are looked for in the torch hub cache and AlexVis's
        cache, then downloaded; if that fails the untrained network is used and said so.
        A large JPEG is decoded reduced, as PIL's Image.draft does for Image.thumbnail (twice the network's 256-pixel
        resize at least); --full-decode decodes every pixel, as torchvision on Image.open itself.
        """;

    // The options every command shares: the network and how images are decoded.
    static readonly Option<string?> weightsOption = new("--weights") { Description = "A state dict (.pth or .safetensors) to load" };
    static readonly Option<bool> untrainedOption = new("--untrained") { Description = "The seed-0 untrained network (no download)" };
    static readonly Option<bool> noDownloadOption = new("--no-download") { Description = "Never download pretrained weights" };
    static readonly Option<int?> threadsOption = new("--threads") { Description = "libtorch's threads (default: one per core)", CustomParser = WholeNumber };
    static readonly Option<bool> fullDecodeOption = new("--full-decode") { Description = "Decode every pixel of a large JPEG" };
    static readonly Option<bool> jsonOption = new("--json") { Description = "One JSON line per image" };

    /// <summary>The commands, with their options and actions.</summary>
    public static RootCommand Build()
    {
        var images = new Argument<string[]>("IMAGE") { Arity = ArgumentArity.ZeroOrMore, Description = "JPEG or PNG files" };
        var top = new Option<int?>("--top") { Description = "How many classes (1–1000, default 5)", CustomParser = WholeNumber };
        var ablate = new Option<string[]>("--ablate")
        {
            Description = "LAYER:CHANNELS, e.g. conv3:5,17,200: switch those filters off (zero their output); repeatable",
            Arity = ArgumentArity.OneOrMore,
        };
        var predict = Command("predict", "The network's top classes for each image", images, top, ablate, jsonOption);
        predict.SetAction((r, _) => PredictAsync(r, Images(r.GetValue(images)!), r.GetValue(top) ?? 5, r.GetValue(jsonOption),
            r.GetValue(ablate) ?? []));

        var image = new Argument<string[]>("IMAGE") { Arity = ArgumentArity.ZeroOrMore, Description = "A JPEG or PNG file" };
        var layer = new Option<string?>("--layer") { Description = "The layer: features.0 … classifier.6 or conv1 … fc8" };
        var output = new Option<string?>("--out") { Description = "The PNG file to write" };

        var what = new Option<string?>("--what") { Description = "maps (default) or kernels" };
        var scale = new Option<string?>("--scale") { Description = "per-channel (default), per-layer or global" };
        var colormap = new Option<string?>("--colormap") { Description = "viridis (default) or grey" };
        var page = new Option<int?>("--page") { Description = "Kernels of conv2 … conv5: the page of 16 filters, from 1", CustomParser = WholeNumber };
        var export = Command("export", "A layer's feature maps or kernels as a PNG figure", image, layer, what, output, scale, colormap, page);
        export.SetAction((r, _) => ExportAsync(r, Images(r.GetValue(image)!), r.GetValue(layer), r.GetValue(what) ?? "maps", r.GetValue(output),
            r.GetValue(scale) ?? "per-channel", r.GetValue(colormap) ?? "viridis", r.GetValue(page) ?? 1));

        var method = new Option<string?>("--method") { Description = "deconvnet, guided, saliency, gradcam, guided-gradcam or occlusion" };
        var channel = new Option<int?>("--channel") { Description = "The channel of --layer to project (deconvnet, guided)", CustomParser = WholeNumber };
        var cell = new Option<string?>("--cell") { Description = "ROW,COL: one cell of the channel (default: the whole map)" };
        var @class = new Option<int?>("--class") { Description = "The class, 0–999 (default: the top-1)", CustomParser = WholeNumber };
        var patch = new Option<int?>("--patch") { Description = "Occlusion: the hidden square's side (default 32)", CustomParser = WholeNumber };
        var stride = new Option<int?>("--stride") { Description = "Occlusion: its step (default 16)", CustomParser = WholeNumber };
        var explain = Command("explain", "Why the network responds: an attribution map for one image", image, method, layer, channel, cell, @class,
            patch, stride, jsonOption, output);
        explain.SetAction((r, _) => ExplainAsync(r, Images(r.GetValue(image)!), r.GetValue(method), r.GetValue(layer), r.GetValue(channel), r.GetValue(cell),
            r.GetValue(@class), r.GetValue(patch) ?? 32, r.GetValue(stride) ?? 16, r.GetValue(jsonOption), r.GetValue(output)));

        var root = new RootCommand("AlexVis: what torchvision's AlexNet sees in a photo, from the command line.\n" + About);
        root.Add(predict);
        root.Add(export);
        root.Add(explain);
        return root;
    }

    static Command Command(string name, string description, params Symbol[] symbols)
    {
        var command = new Command(name, description);
        foreach (var symbol in symbols.Concat([weightsOption, untrainedOption, noDownloadOption, threadsOption, fullDecodeOption]).Distinct())
        {
            if (symbol is Argument a) command.Add(a);
            else command.Add((Option)symbol);
        }
        return command;
    }

    // A whole number, or the message scripts have always had.
    static int? WholeNumber(ArgumentResult result)
    {
        var name = ((OptionResult)result.Parent!).Option.Name;
        if (result.Tokens.Count == 0)
        {
            result.AddError($"{name} needs a value");
            return null;
        }
        var text = result.Tokens[0].Value;
        if (text.StartsWith("--", StringComparison.Ordinal))
        {
            result.AddError($"{name} needs a value"); // the next option, not this one's value
            return null;
        }
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) return n;
        result.AddError($"{name} needs a whole number, not '{text}'");
        return null;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = Build();
        var config = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        if (args.Length == 0)
        {
            await root.Parse(["--help"]).InvokeAsync(config);
            return 2;
        }
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            stderr.WriteLine("alexvis: " + Describe(parsed));
            return 2;
        }
        try
        {
            return await parsed.InvokeAsync(config);
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

    // The first problem, in the words scripts have always had for the common ones.
    static string Describe(ParseResult parsed)
    {
        if (parsed.CommandResult.Command is RootCommand && parsed.UnmatchedTokens.FirstOrDefault() is { } first && !first.StartsWith('-'))
            return $"unknown command '{first}'; use 'predict', 'export' or 'explain' (alexvis --help)";
        if (parsed.UnmatchedTokens.FirstOrDefault(t => t.StartsWith("--", StringComparison.Ordinal)) is { } unknown)
            return $"unknown option '{unknown}' (alexvis --help)";
        var error = parsed.Errors[0];
        if (error.SymbolResult is OptionResult { Tokens.Count: 0 } missing && missing.Option.Arity.MinimumNumberOfValues > 0)
            return $"{missing.Option.Name} needs a value";
        return OneLine(error.Message);
    }

    static string OneLine(string message) => message.ReplaceLineEndings(" ");

    // The images of a command: an unknown option lands among them (they take any number of tokens), said as what it is.
    static string[] Images(string[] files) =>
        files.FirstOrDefault(f => f.StartsWith("--", StringComparison.Ordinal)) is { } option
            ? throw new CliException($"unknown option '{option}' (alexvis --help)")
            : files;

    static async Task<int> PredictAsync(ParseResult r, string[] files, int top, bool json, string[] ablate)
    {
        var (stdout, stderr) = (r.InvocationConfiguration.Output, r.InvocationConfiguration.Error);
        if (files.Length == 0) throw new CliException("predict needs at least one image");
        if (top is < 1 or > 1000) throw new CliException("--top must be between 1 and 1000");
        Ablation ablation;
        try
        {
            ablation = Ablation.Parse(ablate);
        }
        catch (ArgumentException e)
        {
            throw new CliException("--ablate: " + e.Message);
        }
        bool fullDecode = r.GetValue(fullDecodeOption);

        using var model = await LoadModelAsync(r, stderr);
        await using var decoders = Decoders(fullDecode);
        int failures = 0;
        foreach (var file in files)
        {
            ActivationTrace trace;
            try
            {
                trace = model.Trace((await ReadImageAsync(decoders, file)).Input, top, ablation);
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
                stdout.WriteLine($"{file}  ({trace.Weights.Describe()}){(ablation.IsEmpty ? "" : $"  switched off: {ablation.Key}")}");
                foreach (var p in trace.Top)
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {p.Rank,2}. {p.Label,-32} {p.Probability * 100,8:0.00}%  (class {p.ClassIndex}, logit {p.Logit:0.0000})"));
            }
        }
        return failures == 0 ? 0 : 1;
    }

    static async Task<int> ExportAsync(ParseResult r, string[] files, string? layerName, string what, string? outPath, string scale,
        string colormapName, int pageNumber)
    {
        var (stdout, stderr) = (r.InvocationConfiguration.Output, r.InvocationConfiguration.Error);
        if (files.Length != 1) throw new CliException("export needs exactly one image");
        var layer = FindLayer(layerName, "export");
        if (outPath is null) throw new CliException("export needs --out FILE.png");
        var colormap = colormapName switch
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
        if (pageNumber < 1) throw new CliException("--page counts from 1");
        if (what == "kernels" && layer.Kind != LayerKind.Convolution)
            throw new CliException($"{layer.Name} ({layer.Alias}) has no kernels; choose a convolution layer: conv1 … conv5");
        var input = await ReadInputAsync(r, files[0]);
        using var model = await LoadModelAsync(r, stderr);
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
        await WritePngAsync(outPath, figure);
        stdout.WriteLine($"wrote {outPath}: {layer.Label}, {what}, {figure.Width}×{figure.Height} px ({model.Weights.Describe()})");
        return 0;
    }

    static IReadOnlyDictionary<string, ExplainMethod> methods => ExplainMethodNames.All;

    static async Task<int> ExplainAsync(ParseResult r, string[] files, string? methodName, string? layerName, int? channel, string? cellText,
        int? classIndex, int patch, int stride, bool json, string? outPath)
    {
        var (stdout, stderr) = (r.InvocationConfiguration.Output, r.InvocationConfiguration.Error);
        if (files.Length != 1) throw new CliException("explain needs exactly one image");
        if (methodName is null) throw new CliException($"explain needs --method: {string.Join(", ", methods.Keys)}");
        if (!methods.TryGetValue(methodName, out var method))
            throw new CliException($"unknown method '{methodName}'; use {string.Join(", ", methods.Keys)}");
        var layer = layerName is null ? null : FindLayer(layerName, "explain");
        MapCell? cell = null;
        if (cellText is not null)
        {
            var parts = cellText.Split(',');
            if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var row)
                || !int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var column))
                throw new CliException($"--cell needs ROW,COL, e.g. --cell 6,7, not '{cellText}'");
            if (channel is null) throw new CliException("--cell needs --channel");
            cell = new MapCell(row, column);
        }
        var input = await ReadInputAsync(r, files[0]);
        using var model = await LoadModelAsync(r, stderr);
        // The model checks the request against the network before any tensor is made (an ArgumentException naming the argument).
        var attribution = model.Explain(input, new ExplainRequest(method, layer, channel, cell, classIndex, patch, stride));
        if (outPath is not null) await WritePngAsync(outPath, AttributionFigure.Overlay(attribution, input.Crop));
        if (json) stdout.WriteLine(ExplainJson(files[0], attribution));
        else
        {
            float max = attribution.Map.Max(MathF.Abs);
            string Class() => $"class {attribution.Class} ({ImageNetClasses.Names[attribution.Class!.Value]})";
            var target = attribution.Method switch
            {
                ExplainMethod.GradCam or ExplainMethod.GuidedGradCam => $"{attribution.Layer!.Alias}, {Class()}",
                _ when attribution.Layer is { } l => $"{l.Alias} channel {attribution.Channel}{(attribution.Cell is { } c ? $" cell {c}" : " (whole map)")}",
                _ => Class(),
            };
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{files[0]}: {methodName} of {target}: [{string.Join('×', attribution.Shape)}], max |value| {max:g4} ({model.Weights.Describe()})"));
            if (outPath is not null) stdout.WriteLine($"wrote {outPath}");
        }
        return 0;
    }

    static string ExplainJson(string file, Attribution a)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("file", file);
            w.WriteString("method", ExplainMethodNames.Of(a.Method));
            if (a.Layer is { } layer) w.WriteString("layer", layer.Name); else w.WriteNull("layer");
            if (a.Channel is int c) w.WriteNumber("channel", c); else w.WriteNull("channel");
            if (a.Cell is { } cell)
            {
                w.WriteStartArray("cell");
                w.WriteNumberValue(cell.Row);
                w.WriteNumberValue(cell.Column);
                w.WriteEndArray();
            }
            else w.WriteNull("cell");
            if (a.Class is int k) w.WriteNumber("class", k); else w.WriteNull("class");
            w.WriteStartArray("shape");
            foreach (var d in a.Shape) w.WriteNumberValue(d);
            w.WriteEndArray();
            w.WriteStartArray("map");
            foreach (var v in a.Map) w.WriteNumberValue(v);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    static LayerInfo FindLayer(string? name, string command) =>
        AlexNetLayers.Find(name ?? throw new CliException($"{command} needs --layer, e.g. --layer features.0"))
        ?? throw new CliException($"unknown layer '{name}'; use features.0 … classifier.6 or conv1 … fc8");

    static async Task<ModelInput> ReadInputAsync(ParseResult r, string file)
    {
        await using var decoders = Decoders(r.GetValue(fullDecodeOption));
        return (await ReadImageAsync(decoders, file)).Input;
    }

    static async Task WritePngAsync(string outPath, RgbImage figure)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(outPath));
        if (directory is not null && !Directory.Exists(directory))
            throw new CliException($"cannot write '{outPath}': the folder '{directory}' does not exist");
        await File.WriteAllBytesAsync(outPath, Png.Encode(figure));
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

    static async Task<AlexNetModel> LoadModelAsync(ParseResult r, TextWriter stderr)
    {
        TorchRuntime.Initialise(r.GetValue(threadsOption) ?? Math.Max(1, Environment.ProcessorCount));
        var weights = r.GetValue(weightsOption);
        bool untrained = r.GetValue(untrainedOption);
        bool noDownload = r.GetValue(noDownloadOption);
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
            if (!trace.Ablation.IsEmpty) w.WriteString("ablated", trace.Ablation.Key);
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

