using System.Runtime.InteropServices;
using System.Text.Json;
using AlexVis.Harness;

namespace AlexVis.Web.Tests.Support;

/// <summary>Where tools/oracle/make_references.py wrote PyTorch's reference outputs (AlexVis.Model.Tests/TestData/oracle), and reading them.</summary>
public static class Oracle
{
    /// <summary>The reference folder.</summary>
    public static string Folder { get; } = Path.Combine(AppServer.RepositoryRoot(), "AlexVis.Model.Tests", "TestData", "oracle");

    /// <summary>A sample's meta.json: versions, top-5, and where each array lies in its values.bin.</summary>
    public static JsonElement Meta(string sample) => JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Folder, sample, "meta.json"))).RootElement;

    /// <summary>PyTorch's top-5 class indices for a sample, best first.</summary>
    public static int[] Top5(string sample) => Meta(sample).GetProperty("top5").EnumerateArray().Select(e => e.GetProperty("index").GetInt32()).ToArray();

    /// <summary>A whole array of a sample's values.bin, as meta.json places it (its byte offset and float count), e.g. "logits" or "pool5".</summary>
    public static float[] Values(string sample, string entry) => Values(sample, Meta(sample).GetProperty(entry));

    /// <summary>The array of a sample's values.bin that a meta.json entry places (any entry with an offset and a count, e.g. a layer's samples).</summary>
    public static float[] Values(string sample, JsonElement at)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Folder, sample, "values.bin"));
        return MemoryMarshal.Cast<byte, float>(bytes.AsSpan(at.GetProperty("offset").GetInt32(), at.GetProperty("count").GetInt32() * 4)).ToArray();
    }
}
