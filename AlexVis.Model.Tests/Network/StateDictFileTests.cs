using AlexVis.Model.Network;
using AlexVis.Model.Tests.Support;
using TorchSharp;
using TorchSharp.PyBridge;

namespace AlexVis.Model.Tests.Network;

public class StateDictFileTests(SavedWeights saved) : IClassFixture<SavedWeights>
{
    static readonly string subset = Path.Combine(Repo.Oracle, "subset.pth");

    [Fact]
    public void State_dict_keys_and_shapes_are_torchvisions()
    {
        using var model = AlexNetModel.Untrained("test", DeviceChoice.Cpu);
        var expected = new (string, long[])[]
        {
            ("features.0.weight", [64, 3, 11, 11]), ("features.0.bias", [64]),
            ("features.3.weight", [192, 64, 5, 5]), ("features.3.bias", [192]),
            ("features.6.weight", [384, 192, 3, 3]), ("features.6.bias", [384]),
            ("features.8.weight", [256, 384, 3, 3]), ("features.8.bias", [256]),
            ("features.10.weight", [256, 256, 3, 3]), ("features.10.bias", [256]),
            ("classifier.1.weight", [4096, 9216]), ("classifier.1.bias", [4096]),
            ("classifier.4.weight", [4096, 4096]), ("classifier.4.bias", [4096]),
            ("classifier.6.weight", [1000, 4096]), ("classifier.6.bias", [1000]),
        };
        var actual = model.StateShapes();
        Assert.Equal(expected.Select(e => e.Item1), actual.Select(a => a.Key));
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i].Item2, actual[i].Shape);
    }

    [Fact]
    public void Parameters_need_no_gradients_and_the_network_is_in_eval_mode()
    {
        using var model = AlexNetModel.Untrained("test", DeviceChoice.Cpu);
        Assert.All(model.Network.parameters(), p => Assert.False(p.requires_grad));
        Assert.False(model.Network.training);
    }

    [Fact]
    public void Seed0_weights_are_bit_identical_to_pytorchs_torch_save_file()
    {
        // subset.pth was written by torch.save from torch.manual_seed(0); torchvision.models.alexnet().
        using var model = AlexNetModel.Untrained("test", DeviceChoice.Cpu);
        var ours = model.Network.state_dict();
        var entries = new[] { "features.0.weight", "features.0.bias", "classifier.6.bias" }
            .Select(k => new StateEntry(k, ours[k].shape, "float32")).ToList();
        var theirs = StateDictFile.ReadChecked(subset, entries);
        foreach (var e in entries)
            Assert.Equal(ours[e.Key].data<float>().ToArray(), theirs[e.Key].data<float>().ToArray());
    }

    [Fact]
    public void Loads_a_torch_save_state_dict()
    {
        using var model = AlexNetModel.FromFile(saved.Pth, "configured", DeviceChoice.Cpu);
        Assert.Equal(WeightsKind.Pretrained, model.Weights.Kind);
        Assert.Equal(saved.Pth, model.Weights.Path);
        Assert.Equal(saved.HalvedConv1, model.Kernels("features.0").Weights);
    }

    [Fact]
    public void Loads_a_safetensors_state_dict()
    {
        using var model = AlexNetModel.FromFile(saved.SafetensorsPath, "configured", DeviceChoice.Cpu);
        Assert.Equal(saved.HalvedConv1, model.Kernels("conv1").Weights);
    }

    [Fact]
    public void A_partial_state_dict_names_the_first_missing_key()
    {
        var e = Assert.Throws<WeightsFileException>(() => AlexNetModel.FromFile(subset, "configured", DeviceChoice.Cpu));
        Assert.Equal($"Weights file '{subset}' has no entry 'features.3.weight' (AlexNet needs shape [192, 64, 5, 5]).", e.Message);
    }

    [Theory]
    [InlineData(".pth")]
    [InlineData(".safetensors")]
    public void A_smaller_tensor_is_refused_with_both_shapes(string extension)
    {
        // PyBridge's own loader would copy this [64, 3, 11, 10] tensor into the [64, 3, 11, 11] parameter silently.
        using var dir = new TempDir();
        var path = dir.File("small" + extension);
        using (var t = torch.zeros(64, 3, 11, 10))
            Write(path, new Dictionary<string, torch.Tensor> { ["features.0.weight"] = t });
        var e = Assert.Throws<WeightsFileException>(() => AlexNetModel.FromFile(path, "configured", DeviceChoice.Cpu));
        Assert.Equal($"Weights file '{path}' has 'features.0.weight' with shape [64, 3, 11, 10], but AlexNet needs [64, 3, 11, 11].", e.Message);
    }

    [Fact]
    public void An_extra_key_is_named_with_its_shape()
    {
        var expected = new List<StateEntry> { new("a.weight", [2, 2], "float32") };
        var actual = new List<StateEntry> { new("a.weight", [2, 2], "float32"), new("z.extra", [3], "float32"), new("b.extra", [7, 1], "float32") };
        var e = Assert.Throws<WeightsFileException>(() => StateDictFile.Check("f.pth", expected, actual));
        Assert.Equal("Weights file 'f.pth' has an entry 'b.extra' with shape [7, 1] that torchvision's AlexNet does not have (1 more unexpected entries)", e.Message.TrimEnd('.'));
    }

    [Fact]
    public void Data_parallel_prefixes_get_a_hint()
    {
        var expected = new List<StateEntry> { new("features.0.weight", [2], "float32") };
        var actual = new List<StateEntry> { new("module.features.0.weight", [2], "float32") };
        var e = Assert.Throws<WeightsFileException>(() => StateDictFile.Check("f.pth", expected, actual));
        Assert.Contains("'module.'", e.Message);
    }

    [Fact]
    public void Integer_weights_are_refused()
    {
        var expected = new List<StateEntry> { new("w", [2], "float32") };
        var e = Assert.Throws<WeightsFileException>(() => StateDictFile.Check("f.pth", expected, [new("w", [2], "int64")]));
        Assert.Contains("int64", e.Message);
    }

    [Fact]
    public void A_truncated_pth_says_so()
    {
        using var dir = new TempDir();
        var path = dir.File("cut.pth");
        var bytes = File.ReadAllBytes(subset);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<WeightsFileException>(() => AlexNetModel.FromFile(path, "configured", DeviceChoice.Cpu));
        Assert.StartsWith($"Weights file '{path}' is truncated or damaged", e.Message);
    }

    [Fact]
    public void A_truncated_safetensors_says_so()
    {
        using var dir = new TempDir();
        var whole = dir.File("whole.safetensors");
        using (var t = torch.ones(64, 3, 11, 11))
            Safetensors.SaveStateDict(whole, new Dictionary<string, torch.Tensor> { ["features.0.weight"] = t });
        var bytes = File.ReadAllBytes(whole);
        var path = dir.File("cut.safetensors");
        File.WriteAllBytes(path, bytes[..(bytes.Length - 1000)]);
        var e = Assert.Throws<WeightsFileException>(() => AlexNetModel.FromFile(path, "configured", DeviceChoice.Cpu));
        Assert.Equal($"Weights file '{path}' is truncated or damaged: the data of 'features.0.weight' lies outside the file.", e.Message);
    }

    [Theory]
    [InlineData(new byte[0], "is empty.")]
    [InlineData(new byte[] { 0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8 }, "is neither a PyTorch state_dict")]
    [InlineData(new byte[] { 0x3c, 0x68, 0x74, 0x6d, 0x6c, 0x3e, 0x34, 0x30, 0x34 }, "is neither a PyTorch state_dict")]
    public void Files_that_are_not_state_dicts_say_what_they_are_not(byte[] content, string expected)
    {
        using var dir = new TempDir();
        var path = dir.File("bad.pth");
        File.WriteAllBytes(path, content);
        var e = Assert.Throws<WeightsFileException>(() => AlexNetModel.FromFile(path, "configured", DeviceChoice.Cpu));
        Assert.StartsWith($"Weights file '{path}' {expected}", e.Message);
    }

    [Fact]
    public void A_missing_file_says_so() =>
        Assert.Equal("Weights file '/nonexistent/alexnet.pth' does not exist.",
            Assert.Throws<WeightsFileException>(() => AlexNetModel.FromFile("/nonexistent/alexnet.pth", "configured", DeviceChoice.Cpu)).Message);

    [Fact]
    public void A_failed_load_leaves_the_loaded_model_untouched()
    {
        using var model = AlexNetModel.FromFile(saved.Pth, "configured", DeviceChoice.Cpu);
        var before = model.Kernels("conv1").Weights;
        Assert.Throws<WeightsFileException>(() => AlexNetModel.FromFile(subset, "configured", DeviceChoice.Cpu));
        Assert.Equal(before, model.Kernels("conv1").Weights);
    }

    static void Write(string path, Dictionary<string, torch.Tensor> dict)
    {
        if (path.EndsWith(".pth")) PyTorchPickler.PickleStateDict(path, dict);
        else Safetensors.SaveStateDict(path, dict);
    }
}
