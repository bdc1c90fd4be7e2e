using Microsoft.JSInterop;

namespace AlexVis.Web.Components;

/// <summary>
/// Shows only the latest wanted state in a browser plot. While one show is on its way, newer wishes wait and only
/// the newest is shown next (stepping quickly through layers does not queue every layer). A reply lost with a
/// dropped connection times out and the show is tried again, so a reconnected page catches up.
/// </summary>
public sealed class LatestShown<TKey> where TKey : notnull
{
    const int Attempts = 4;
    TKey? shown;
    bool running;

    /// <summary>Shows <paramref name="wanted"/>() until what is on screen is what is wanted.</summary>
    /// <param name="wanted">The key of what should be on screen now, or null for nothing.</param>
    /// <param name="show">Puts that on screen.</param>
    /// <param name="failed">Told about a show that failed for good.</param>
    public async Task RunAsync(Func<TKey?> wanted, Func<TKey, Task> show, Action<Exception>? failed = null)
    {
        if (running) return;
        running = true;
        try
        {
            for (int attempt = 0; attempt < Attempts;)
            {
                var key = wanted();
                if (key is null || EqualityComparer<TKey>.Default.Equals(key, shown)) break;
                try
                {
                    await show(key);
                    shown = key;
                    attempt = 0;
                }
                catch (TaskCanceledException)
                {
                    attempt++; // the reply was lost (a dropped connection): show the latest again
                }
                catch (JSDisconnectedException)
                {
                    break; // the page is gone
                }
                catch (JSException e)
                {
                    failed?.Invoke(e);
                    break;
                }
            }
        }
        finally
        {
            running = false;
        }
    }
}
