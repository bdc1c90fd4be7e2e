using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace AlexVis.Harness;

/// <summary>
/// The AlexVis web app as its own process on a free loopback port, started from its build output, stopped by its
/// own process id (not a <c>dotnet run</c> wrapper). Waits until the model is ready.
/// </summary>
public sealed class AppServer : IAsyncDisposable
{
    readonly Process process;
    readonly List<string> output = [];

    AppServer(Process process, Uri url)
    {
        this.process = process;
        Url = url;
    }

    /// <summary>The app's base address.</summary>
    public Uri Url { get; }

    /// <summary>The server process id.</summary>
    public int ProcessId => process.Id;

    /// <summary>Everything the server printed so far.</summary>
    public IReadOnlyList<string> Output
    {
        get { lock (output) return output.ToList(); }
    }

    /// <summary>The repository root (the folder holding AlexVis.sln).</summary>
    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AlexVis.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("AlexVis.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The built AlexVis.Web.dll for a configuration.</summary>
    public static string WebDll(string configuration) =>
        Path.Combine(RepositoryRoot(), "AlexVis.Web", "bin", configuration, "net10.0", "AlexVis.Web.dll");

    /// <summary>Starts the app with the untrained model (no download) plus any extra configuration.</summary>
    /// <param name="configuration">The build to run.</param>
    /// <param name="settings">Configuration keys and values passed on the command line.</param>
    /// <param name="readyTimeout">How long the model may take to become ready.</param>
    /// <param name="asDeployed">
    /// True for benchmarks: the garbage collector the app's own runtimeconfig asks for (server GC, the Web SDK's
    /// default), as it runs for a class. False for tests: workstation GC, lighter when several servers, Chromium and
    /// the test hosts share two cores.
    /// </param>
    public static async Task<AppServer> StartAsync(string configuration = "Debug", IReadOnlyDictionary<string, string>? settings = null,
        TimeSpan? readyTimeout = null, bool asDeployed = false)
    {
        var dll = WebDll(configuration);
        if (!File.Exists(dll))
            throw new FileNotFoundException($"Build the web app first: dotnet build -c {configuration} AlexVis.Web ({dll} is missing)");
        int port = FreePort();
        var url = new Uri($"http://127.0.0.1:{port}/");
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add(url.ToString().TrimEnd('/'));
        var all = new Dictionary<string, string>
        {
            ["AlexVis:Model:Untrained"] = "true",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
        };
        if (settings is not null)
            foreach (var (k, v) in settings) all[k] = v;
        foreach (var (k, v) in all)
            psi.ArgumentList.Add($"--{k}={v}");
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        if (!asDeployed) psi.Environment["DOTNET_gcServer"] = "0";

        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the web app");
        var server = new AppServer(process, url);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitReadyAsync(readyTimeout ?? TimeSpan.FromSeconds(90));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    void Append(string? line)
    {
        if (line is null) return;
        lock (output) output.Add(line);
    }

    async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"The web app exited with code {process.ExitCode}:\n{string.Join('\n', Output)}");
            try
            {
                var json = await http.GetStringAsync(new Uri(Url, "api/health"));
                var stage = JsonDocument.Parse(json).RootElement.GetProperty("stage").GetString();
                if (stage == "Ready") return;
                if (stage == "Failed") throw new InvalidOperationException("The model failed to start: " + json);
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"The web app was not ready within {timeout}:\n{string.Join('\n', Output)}");
    }

    /// <summary>The server's peak resident memory (VmHWM) in MB, read from /proc.</summary>
    public double PeakRssMb() => ProcessMemory.PeakRssMb(process.Id.ToString());

    /// <summary>A TCP port nothing listens on now.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Stops the server process.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
            }
        }
        catch (InvalidOperationException) { }
        catch (TimeoutException) { }
        process.Dispose();
    }
}
