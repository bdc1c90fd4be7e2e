using System.Collections;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace AlexVis.Model.Network;

/// <summary>One entry of a state dict as found in a file: key, shape and element type.</summary>
internal sealed record StateEntry(string Key, long[] Shape, string DType);

/// <summary>
/// Reads state dicts saved by <c>torch.save(model.state_dict())</c> (zip archives, through TorchSharp.PyBridge)
/// or as <c>.safetensors</c>, and checks every key and shape against the model before anything is copied:
/// PyBridge's own loader writes a smaller tensor into a bigger parameter without complaint and never names
/// a missing key.
/// </summary>
internal static class StateDictFile
{
    const long MaxSafetensorsHeader = 100L * 1024 * 1024;

    /// <summary>Reads, checks against <paramref name="expected"/> and returns the tensors (the caller disposes them).</summary>
    public static Dictionary<string, Tensor> ReadChecked(string path, IReadOnlyList<StateEntry> expected)
    {
        if (!File.Exists(path))
            throw new WeightsFileException(path, "does not exist.");
        var kind = Sniff(path);
        if (kind == FileKind.Safetensors)
        {
            var entries = SafetensorsHeader(path);
            Check(path, expected, entries);
            var tensors = Wrap(path, () => Safetensors.LoadStateDict(path));
            return tensors;
        }
        if (kind == FileKind.Zip)
        {
            var tensors = ReadPickle(path);
            try
            {
                Check(path, expected, tensors.Select(kv => new StateEntry(kv.Key, kv.Value.shape, DTypeName(kv.Value.dtype))).ToList());
                return tensors;
            }
            catch
            {
                foreach (var t in tensors.Values) t.Dispose();
                throw;
            }
        }
        throw new WeightsFileException(path, kind == FileKind.Empty
            ? "is empty."
            : "is neither a PyTorch state_dict (a zip archive written by torch.save) nor a .safetensors file. " +
              "Files from torch.save(..., _use_new_zipfile_serialization=False) must be re-saved with a current PyTorch.");
    }

    /// <summary>Reports the first problem, in model order: a missing key, a wrong shape or type, then an extra key.</summary>
    public static void Check(string path, IReadOnlyList<StateEntry> expected, IReadOnlyList<StateEntry> actual)
    {
        var byKey = new Dictionary<string, StateEntry>(StringComparer.Ordinal);
        foreach (var e in actual) byKey[e.Key] = e;
        foreach (var want in expected)
        {
            if (!byKey.TryGetValue(want.Key, out var got))
            {
                var hint = actual.Any(a => a.Key == "module." + want.Key)
                    ? " Its keys start with 'module.' (saved from DataParallel): save model.module.state_dict() instead."
                    : "";
                throw new WeightsFileException(path, $"has no entry '{want.Key}' (AlexNet needs shape {ShapeText(want.Shape)}).{hint}");
            }
            if (!got.Shape.SequenceEqual(want.Shape))
                throw new WeightsFileException(path, $"has '{want.Key}' with shape {ShapeText(got.Shape)}, but AlexNet needs {ShapeText(want.Shape)}.");
            if (got.DType is not ("float32" or "float16" or "bfloat16" or "float64"))
                throw new WeightsFileException(path, $"has '{want.Key}' of type {got.DType}; weights must be floating point.");
        }
        var known = expected.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        var extra = actual.Select(a => a.Key).Where(k => !known.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (extra.Count > 0)
        {
            var shape = ShapeText(byKey[extra[0]].Shape);
            var more = extra.Count > 1 ? $" ({extra.Count - 1} more unexpected entries)" : "";
            throw new WeightsFileException(path, $"has an entry '{extra[0]}' with shape {shape} that torchvision's AlexNet does not have{more}.");
        }
    }

    internal static string ShapeText(long[] shape) => "[" + string.Join(", ", shape) + "]";

    enum FileKind { Empty, Zip, Safetensors, Unknown }

    static FileKind Sniff(string path)
    {
        Span<byte> head = stackalloc byte[9];
        using var f = File.OpenRead(path);
        int n = f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (n == 0) return FileKind.Empty;
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) return FileKind.Zip;
        if (n == 9 && head[8] == (byte)'{')
        {
            ulong headerLength = BitConverter.ToUInt64(head[..8]);
            if (headerLength > 1 && headerLength <= (ulong)(f.Length - 8)) return FileKind.Safetensors;
        }
        return FileKind.Unknown;
    }

    static Dictionary<string, Tensor> ReadPickle(string path)
    {
        Hashtable table;
        try
        {
            using var stream = File.OpenRead(path);
            table = PyTorchUnpickler.UnpickleStateDict(stream, false, false);
        }
        catch (InvalidDataException e)
        {
            throw new WeightsFileException(path, "is truncated or damaged: it is not a complete zip archive (" + e.Message + ") Download it again.", e);
        }
        catch (NotImplementedException e) when (e.Message.Contains("entire model", StringComparison.OrdinalIgnoreCase))
        {
            throw new WeightsFileException(path, "holds a whole pickled model, not a state_dict: save it with torch.save(model.state_dict(), path).", e);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new WeightsFileException(path, "could not be read as a torch.save state_dict: " + e.Message, e);
        }
        // A training checkpoint often nests the weights: {"state_dict": {...}, "epoch": ...}.
        foreach (var nested in new[] { "state_dict", "model", "model_state_dict" })
            if (table[nested] is Hashtable inner && inner.Values.OfType<Tensor>().Any())
                table = inner;
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in table)
            if (e.Key is string key && e.Value is Tensor t)
                tensors[key] = t;
        if (tensors.Count == 0)
            throw new WeightsFileException(path, "holds no tensors: it is not a state_dict.");
        return tensors;
    }

    /// <summary>Parses and checks a safetensors header without reading any tensor data.</summary>
    internal static List<StateEntry> SafetensorsHeader(string path)
    {
        using var f = File.OpenRead(path);
        long length = f.Length;
        Span<byte> prefix = stackalloc byte[8];
        f.ReadExactly(prefix);
        long headerLength = (long)BitConverter.ToUInt64(prefix);
        if (headerLength <= 0 || headerLength > MaxSafetensorsHeader || headerLength > length - 8)
            throw new WeightsFileException(path, "is a damaged .safetensors file: its header length does not fit the file.");
        var header = new byte[headerLength];
        f.ReadExactly(header);
        long dataLength = length - 8 - headerLength;

        JsonDocument doc;
        try { doc = JsonDocument.Parse(header); }
        catch (JsonException e) { throw new WeightsFileException(path, "is a damaged .safetensors file: its header is not valid JSON.", e); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new WeightsFileException(path, "is a damaged .safetensors file: its header is not a JSON object.");
            var entries = new List<StateEntry>();
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Name == "__metadata__") continue;
                try
                {
                    var dtype = p.Value.GetProperty("dtype").GetString() ?? "";
                    var shape = p.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                    var offsets = p.Value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                    long elementSize = dtype switch { "F64" or "I64" => 8, "F32" or "I32" => 4, "F16" or "BF16" or "I16" => 2, "U8" or "I8" or "BOOL" => 1, _ => 0 };
                    if (elementSize == 0)
                        throw new WeightsFileException(path, $"has '{p.Name}' of unsupported type {dtype}.");
                    long count = shape.Aggregate(1L, (a, b) => a * b);
                    if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > dataLength)
                        throw new WeightsFileException(path, $"is truncated or damaged: the data of '{p.Name}' lies outside the file.");
                    if (offsets[1] - offsets[0] != count * elementSize)
                        throw new WeightsFileException(path, $"is damaged: '{p.Name}' has shape {ShapeText(shape)} but {offsets[1] - offsets[0]} bytes of data.");
                    entries.Add(new StateEntry(p.Name, shape, SafetensorsDType(dtype)));
                }
                catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
                {
                    throw new WeightsFileException(path, $"is a damaged .safetensors file: the header entry '{p.Name}' is malformed.", e);
                }
            }
            return entries;
        }
    }

    static string SafetensorsDType(string code) => code switch
    {
        "F32" => "float32", "F16" => "float16", "BF16" => "bfloat16", "F64" => "float64",
        _ => code.ToLowerInvariant(),
    };

    internal static string DTypeName(ScalarType type) => type switch
    {
        ScalarType.Float32 => "float32", ScalarType.Float16 => "float16", ScalarType.BFloat16 => "bfloat16",
        ScalarType.Float64 => "float64", _ => type.ToString().ToLowerInvariant(),
    };

    static T Wrap<T>(string path, Func<T> read)
    {
        try { return read(); }
        catch (Exception e) when (e is not OutOfMemoryException and not WeightsFileException)
        {
            throw new WeightsFileException(path, "could not be read: " + e.Message, e);
        }
    }
}
