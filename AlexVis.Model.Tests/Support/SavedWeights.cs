using System.Security.Cryptography;
using AlexVis.Model.Network;
using TorchSharp;
using TorchSharp.PyBridge;

namespace AlexVis.Model.Tests.Support;

/// <summary>
/// A full AlexNet state dict written once per test class, as .pth (PyBridge's torch.save-compatible writer) and as
/// .safetensors. Its weights are half the seed-0 weights, so a successful load is told apart from the untrained net.
/// </summary>
public sealed class SavedWeights : IDisposable
{
    readonly TempDir dir = new();

    public SavedWeights()
    {
        TorchRuntime.Initialise(2);
        using var seed0 = AlexNetModel.Untrained("reference", DeviceChoice.Cpu);
        Seed0Conv1 = seed0.Kernels("features.0").Weights;
        using var scope = torch.NewDisposeScope();
        var halved = seed0.Network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.mul(0.5f));
        PyTorchPickler.PickleStateDict(Pth, halved);
        Safetensors.SaveStateDict(SafetensorsPath, halved);
        PthSha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Pth)));
    }

    public string Pth => dir.File("halved.pth");

    public string SafetensorsPath => dir.File("halved.safetensors");

    public string PthSha256 { get; }

    public float[] Seed0Conv1 { get; }

    public float[] HalvedConv1 => Seed0Conv1.Select(v => v * 0.5f).ToArray();

    public void Dispose() => dir.Dispose();
}
