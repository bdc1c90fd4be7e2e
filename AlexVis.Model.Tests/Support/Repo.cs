using System.Reflection;

namespace AlexVis.Model.Tests.Support;

/// <summary>Paths inside the repository, found from the test assembly's location.</summary>
public static class Repo
{
    public static string Root { get; } = AlexVis.Harness.AppServer.RepositoryRoot();

    public static string Samples => Path.Combine(Root, "samples");

    public static string Oracle => Path.Combine(Root, "AlexVis.Model.Tests", "TestData", "oracle");

    public static string NuGetPackageRoot => typeof(Repo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .First(a => a.Key == "NuGetPackageRoot").Value!;
}

/// <summary>A temporary folder removed on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "alexvis-test-" + Guid.NewGuid().ToString("N")[..10]);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
