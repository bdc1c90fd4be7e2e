using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AlexVis.Model.Tests.Support;

/// <summary>
/// A raw HTTP/1.1 server on 127.0.0.1 for download tests: it can serve a body slowly, cut the connection part-way,
/// stall, or answer with an error status. Tests never reach the internet.
/// </summary>
public sealed class LocalHttpServer : IAsyncDisposable
{
    readonly TcpListener listener = new(IPAddress.Loopback, 0);
    readonly CancellationTokenSource stop = new();
    readonly Task loop;
    readonly Func<string, Stream, CancellationToken, Task> handler;

    public LocalHttpServer(Func<string, Stream, CancellationToken, Task> handler)
    {
        this.handler = handler;
        listener.Start();
        loop = Task.Run(AcceptLoop);
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public Uri Url(string path) => new($"http://127.0.0.1:{Port}/{path.TrimStart('/')}");

    public int Requests;

    async Task AcceptLoop()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(stop.Token); }
            catch (OperationCanceledException) { return; }
            catch (SocketException) { return; }
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    var stream = client.GetStream();
                    var path = await ReadRequestPath(stream);
                    Interlocked.Increment(ref Requests);
                    try { await handler(path, stream, stop.Token); }
                    catch (Exception e) when (e is IOException or OperationCanceledException or SocketException) { }
                }
            });
        }
    }

    static async Task<string> ReadRequestPath(Stream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (await stream.ReadAsync(one) == 1)
        {
            buffer.Add(one[0]);
            int n = buffer.Count;
            if (n >= 4 && buffer[n - 4] == '\r' && buffer[n - 3] == '\n' && buffer[n - 2] == '\r' && buffer[n - 1] == '\n') break;
        }
        var requestLine = Encoding.ASCII.GetString(buffer.ToArray()).Split("\r\n")[0];
        var parts = requestLine.Split(' ');
        return parts.Length > 1 ? parts[1] : "/";
    }

    /// <summary>Writes a status line and headers.</summary>
    public static Task Head(Stream s, int status, string reason, long? length) =>
        s.WriteAsync(Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {status} {reason}\r\n{(length is { } l ? $"Content-Length: {l}\r\n" : "")}Content-Type: application/octet-stream\r\nConnection: close\r\n\r\n")).AsTask();

    /// <summary>Serves <paramref name="body"/> in chunks, optionally slowly, optionally stopping (cut or stall) after some bytes.</summary>
    public static async Task Body(Stream s, byte[] body, int chunk, TimeSpan delay, long? stopAfter, bool stall, CancellationToken ct)
    {
        await Head(s, 200, "OK", body.Length);
        long sent = 0;
        while (sent < body.Length)
        {
            if (stopAfter is { } limit && sent >= limit)
            {
                if (stall) await Task.Delay(Timeout.Infinite, ct);
                return; // closing the socket cuts the body short
            }
            int n = (int)Math.Min(chunk, body.Length - sent);
            if (stopAfter is { } l2) n = (int)Math.Min(n, l2 - sent);
            await s.WriteAsync(body.AsMemory((int)sent, n), ct);
            await s.FlushAsync(ct);
            sent += n;
            if (delay > TimeSpan.Zero) await Task.Delay(delay, ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        listener.Stop();
        try { await loop; } catch { }
        stop.Dispose();
    }
}
