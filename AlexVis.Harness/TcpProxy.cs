using System.Net;
using System.Net.Sockets;

namespace AlexVis.Harness;

/// <summary>
/// A loopback TCP forwarder between the browser and the app whose connections a test can cut, to show Blazor's
/// reconnect dialog and the circuit resuming, without touching the server.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    readonly TcpListener listener = new(IPAddress.Loopback, 0);
    readonly Uri target;
    readonly CancellationTokenSource stop = new();
    readonly List<TcpClient> open = [];
    readonly Task loop;
    volatile bool refusing;

    /// <summary>Starts forwarding to <paramref name="target"/>.</summary>
    public TcpProxy(Uri target)
    {
        this.target = target;
        listener.Start();
        loop = Task.Run(AcceptLoop);
    }

    /// <summary>The address to give the browser.</summary>
    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");

    /// <summary>Closes every open connection and refuses new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        refusing = true;
        lock (open)
        {
            foreach (var c in open) c.Dispose();
            open.Clear();
        }
    }

    /// <summary>Accepts connections again.</summary>
    public void Restore() => refusing = false;

    async Task AcceptLoop()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(stop.Token); }
            catch (Exception) { return; }
            if (refusing)
            {
                client.Dispose();
                continue;
            }
            _ = Task.Run(() => Forward(client));
        }
    }

    async Task Forward(TcpClient client)
    {
        var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(target.Host, target.Port, stop.Token);
            lock (open) { open.Add(client); open.Add(upstream); }
            var a = client.GetStream().CopyToAsync(upstream.GetStream(), stop.Token);
            var b = upstream.GetStream().CopyToAsync(client.GetStream(), stop.Token);
            await Task.WhenAny(a, b);
        }
        catch (Exception) { }
        finally
        {
            client.Dispose();
            upstream.Dispose();
            lock (open) { open.Remove(client); open.Remove(upstream); }
        }
    }

    /// <summary>Stops forwarding.</summary>
    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        listener.Stop();
        Cut();
        try { await loop; } catch (Exception) { }
        stop.Dispose();
    }
}
