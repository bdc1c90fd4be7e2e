using Microsoft.Extensions.Hosting;

namespace AlexVis.Web.Tests.Support;

/// <summary>The host environment the app's services see in tests: content root at the test's output folder.</summary>
public sealed class TestEnvironment : IHostEnvironment
{
    public string EnvironmentName { get; set; } = "Test";
    public string ApplicationName { get; set; } = "AlexVis.Web";
    public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
    public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
}
