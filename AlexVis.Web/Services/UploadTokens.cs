using System.Collections.Concurrent;
using System.Security.Cryptography;
using AlexVis.Web.State;

namespace AlexVis.Web.Services;

/// <summary>
/// Uploads travel over plain HTTP (a 12 MP photo through the Blazor circuit took 270–340 ms here, over HTTP a few
/// milliseconds) and are handed to the student's own <see cref="ImageLoader"/> by an unguessable token that lives
/// as long as the circuit does.
/// </summary>
public sealed class UploadTokens
{
    readonly ConcurrentDictionary<string, ImageLoader> sessions = new();

    /// <summary>A new token for <paramref name="loader"/>.</summary>
    public string Issue(ImageLoader loader)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        sessions[token] = loader;
        return token;
    }

    /// <summary>The image loader a token belongs to, if its circuit is still alive.</summary>
    public ImageLoader? Find(string? token) => token is not null && sessions.TryGetValue(token, out var s) ? s : null;

    /// <summary>Sessions alive now (one per open circuit): the soak benchmark checks that none outlives its student.</summary>
    public int Count => sessions.Count;

    /// <summary>Forgets a token (the circuit has ended).</summary>
    public void Revoke(string token) => sessions.TryRemove(token, out _);
}
