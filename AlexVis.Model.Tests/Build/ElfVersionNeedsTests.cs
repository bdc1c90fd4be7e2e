using AlexVis.Build;
using AlexVis.Model.Tests.Support;

namespace AlexVis.Model.Tests.Build;

/// <summary>The post-build step that lets TorchSharp 0.107's native library load against Debian 12's libstdc++.</summary>
public class ElfVersionNeedsTests
{
    const string Version = "GLIBCXX_3.4.32";
    static string Original => Path.Combine(Repo.NuGetPackageRoot, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
    static string Built => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    [Fact]
    public void The_package_requires_the_version_strongly()
    {
        var needs = ElfVersionNeeds.Read(File.ReadAllBytes(Original));
        var need = Assert.Single(needs, n => n.Name == Version);
        Assert.Equal("libstdc++.so.6", need.File);
        Assert.False(need.IsWeak);
        Assert.Contains(needs, n => n.Name == "GLIBCXX_3.4.30" && !n.IsWeak);
    }

    [Fact]
    public void The_build_output_carries_a_weak_requirement_and_the_nuget_cache_is_untouched()
    {
        Assert.True(ElfVersionNeeds.Read(File.ReadAllBytes(Built)).Single(n => n.Name == Version).IsWeak);
        Assert.False(ElfVersionNeeds.Read(File.ReadAllBytes(Original)).Single(n => n.Name == Version).IsWeak);
        Assert.Equal(File.GetLastWriteTimeUtc(Original), File.GetLastWriteTimeUtc(Built));
    }

    [Fact]
    public void Marking_weak_changes_exactly_that_flag_and_is_idempotent()
    {
        using var dir = new TempDir();
        var copy = dir.File("libLibTorchSharp.so");
        File.Copy(Original, copy);
        var before = File.ReadAllBytes(copy);

        Assert.Equal(ElfPatchOutcome.Patched, ElfVersionNeeds.MarkWeak(copy, Version));
        var after = File.ReadAllBytes(copy);
        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).Select(i => (long)i).ToArray();
        var need = ElfVersionNeeds.Read(after).Single(n => n.Name == Version);
        Assert.Equal([need.FlagsOffset], changed);
        Assert.Equal(ElfVersionNeeds.VerFlagWeak, need.Flags);
        Assert.All(ElfVersionNeeds.Read(after).Where(n => n.Name != Version), n => Assert.False(n.IsWeak));

        Assert.Equal(ElfPatchOutcome.AlreadyWeak, ElfVersionNeeds.MarkWeak(copy, Version));
        Assert.Equal(after, File.ReadAllBytes(copy));
    }

    [Fact]
    public void Files_without_the_requirement_are_left_alone()
    {
        using var dir = new TempDir();
        var other = dir.File("libc10.so");
        File.Copy(Path.Combine(Repo.NuGetPackageRoot, "libtorch-cpu-linux-x64", "2.10.0", "runtimes", "linux-x64", "native", "libc10.so"), other);
        var text = dir.File("notes.txt");
        File.WriteAllText(text, "not an ELF file");
        var otherBytes = File.ReadAllBytes(other);

        Assert.Equal(ElfPatchOutcome.NotRequired, ElfVersionNeeds.MarkWeak(other, Version));
        Assert.Equal(ElfPatchOutcome.NotApplicable, ElfVersionNeeds.MarkWeak(text, Version));
        Assert.Equal(otherBytes, File.ReadAllBytes(other));
        Assert.Equal("not an ELF file", File.ReadAllText(text));
    }
}
