using AlexVis.Harness;

namespace AlexVis.Web.Tests.Support;

/// <summary>Where tools/oracle/make_references.py wrote PyTorch's reference outputs (AlexVis.Model.Tests/TestData/oracle).</summary>
public static class Oracle
{
    /// <summary>The reference folder.</summary>
    public static string Folder { get; } = Path.Combine(AppServer.RepositoryRoot(), "AlexVis.Model.Tests", "TestData", "oracle");
}
