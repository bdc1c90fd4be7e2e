using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace AlexVis.Model.Network;

/// <summary>Bytes received so far and the total when the server announced it.</summary>
/// <param name="Received">Bytes written.</param>
/// <param name="Total">Content-Length, when known.</param>
public readonly record struct DownloadProgress(long Received, long? Total)
{
    /// <summary>0–1 when the total is known.</summary>
    public double? Fraction => Total is > 0 ? (double)Received / Total.Value : null;
}

/// <summary>
/// Downloads a checkpoint the way torch.hub's download_url_to_file does: to a temporary file beside the target,
/// SHA-256 checked against the hex prefix in the file name (<c>alexnet-owt-7be5be79.pth</c> → <c>7be5be79</c>),
/// renamed into place only when complete and verified.
/// </summary>
public static partial class WeightsDownloader
{
    [GeneratedRegex(@"-([a-f0-9]*)\.")]
    private static partial Regex HashRegex();

    /// <summary>torch.hub's hash prefix in a file name, or null when it has none.</summary>
    public static string? HashPrefix(string fileName)
    {
        var m = HashRegex().Match(fileName);
        return m.Success && m.Groups[1].Value.Length > 0 ? m.Groups[1].Value : null;
    }

    /// <summary>Downloads <paramref name="url"/> into <paramref name="directory"/> and returns the final path.</summary>
    public static async Task<string> DownloadAsync(HttpClient http, Uri url, string directory, TimeSpan stallTimeout,
        IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        var fileName = Path.GetFileName(url.LocalPath);
        if (string.IsNullOrEmpty(fileName))
            throw new WeightsDownloadException($"The download address {url} does not name a file.");
        var prefix = HashPrefix(fileName);
        Directory.CreateDirectory(directory);
        var target = Path.Combine(directory, fileName);
        var temp = Path.Combine(directory, $".{fileName}.{Guid.NewGuid():N}.partial");
        long received = 0;
        long? total = null;
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            stall.CancelAfter(stallTimeout);
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, stall.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw new WeightsDownloadException(
                    $"The server at {url.Host} answered {(int)response.StatusCode} {response.ReasonPhrase} for {url}.");
            total = response.Content.Headers.ContentLength;
            progress?.Report(new DownloadProgress(0, total));

            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var body = await response.Content.ReadAsStreamAsync(stall.Token).ConfigureAwait(false))
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                var buffer = new byte[1 << 16];
                long reported = 0;
                while (true)
                {
                    stall.CancelAfter(stallTimeout);
                    int n = await body.ReadAsync(buffer, stall.Token).ConfigureAwait(false);
                    if (n == 0) break;
                    sha.AppendData(buffer, 0, n);
                    await file.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                    received += n;
                    if (received - reported >= 1 << 20 || received == total)
                    {
                        progress?.Report(new DownloadProgress(received, total));
                        reported = received;
                    }
                }
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            if (total is { } expected && received != expected)
                throw new WeightsDownloadException($"The download of {fileName} stopped after {Mb(received)} of {Mb(expected)}.");
            progress?.Report(new DownloadProgress(received, total));

            var digest = Convert.ToHexStringLower(sha.GetHashAndReset());
            if (prefix is not null && !digest.StartsWith(prefix, StringComparison.Ordinal))
                throw new WeightsDownloadException(
                    $"The downloaded {fileName} is not the expected file: its SHA-256 is {digest[..Math.Min(digest.Length, 16)]}…, expected to start with {prefix}. It was discarded.");
            File.Move(temp, target, overwrite: true);
            return target;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new WeightsDownloadException(
                $"The download of {fileName} from {url.Host} stalled: nothing arrived for {stallTimeout.TotalSeconds:0} s (after {Mb(received)}).");
        }
        catch (HttpRequestException e)
        {
            var what = e.StatusCode is { } code ? $"{(int)code} {code}" : e.HttpRequestError.ToString();
            throw new WeightsDownloadException(received > 0
                ? $"The download of {fileName} was interrupted after {Mb(received)}{(total is { } t ? $" of {Mb(t)}" : "")} ({what})."
                : $"Could not download {fileName} from {url.Host}: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new WeightsDownloadException(
                $"The download of {fileName} was interrupted after {Mb(received)}{(total is { } t ? $" of {Mb(t)}" : "")}: {e.Message}", e);
        }
        finally
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    static string Mb(long bytes) => $"{bytes / (1024.0 * 1024):0.0} MB";
}
