using System.Diagnostics;
using System.Net.Sockets;

namespace AlexVis.Harness;

/// <summary>
/// Debian's redis-server on a free loopback port with a temporary folder and no persistence, for tests and benches;
/// stopped and its folder removed on disposal.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    /// <summary>Where Debian's redis-server package installs the server.</summary>
    public const string ExecutablePath = "/usr/bin/redis-server";

    readonly Process process;
    readonly string folder;

    RedisServer(Process process, string folder, int port)
    {
        this.process = process;
        this.folder = folder;
        Port = port;
    }

    /// <summary>The port it listens on (127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>A StackExchange.Redis configuration string for it.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>Starts a server and waits until it answers.</summary>
    public static async Task<RedisServer> StartAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException($"{ExecutablePath} is missing: install Debian's redis-server package (.ci/setup does).");
        var port = AppServer.FreePort();
        var folder = Directory.CreateTempSubdirectory("alexvis-redis-").FullName;
        var process = Process.Start(new ProcessStartInfo(ExecutablePath)
        {
            ArgumentList = { "--port", port.ToString(), "--bind", "127.0.0.1", "--dir", folder, "--save", "", "--appendonly", "no", "--daemonize", "no" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer(process, folder, port);
        for (var waited = Stopwatch.StartNew(); ; await Task.Delay(50))
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return server;
            }
            catch (SocketException) when (waited.Elapsed < TimeSpan.FromSeconds(10) && !process.HasExited) { }
            catch (SocketException)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"redis-server did not start on port {port}");
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try { if (!process.HasExited) process.Kill(); } catch (InvalidOperationException) { }
        await process.WaitForExitAsync();
        process.Dispose();
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
    }
}
