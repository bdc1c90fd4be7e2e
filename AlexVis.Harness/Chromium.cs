using Microsoft.Playwright;

namespace AlexVis.Harness;

/// <summary>Debian's Chromium driven by Playwright: headless, a fresh profile, no network chatter, no browser download.</summary>
public sealed class Chromium : IAsyncDisposable
{
    /// <summary>Where Debian's chromium package installs the browser.</summary>
    public const string ExecutablePath = "/usr/bin/chromium";

    readonly IPlaywright playwright;
    readonly string profile;

    Chromium(IPlaywright playwright, IBrowserContext context, string profile)
    {
        this.playwright = playwright;
        Context = context;
        this.profile = profile;
    }

    /// <summary>The browser context (one profile).</summary>
    public IBrowserContext Context { get; }

    /// <summary>Launches Chromium with a 1280 × 720 window (a classroom projector), in English unless <paramref name="locale"/> says otherwise.</summary>
    /// <param name="width">The window's width in CSS pixels.</param>
    /// <param name="height">Its height.</param>
    /// <param name="locale">The browser's language (its Accept-Language and <c>navigator.language</c>), e.g. <c>zh-CN</c>.</param>
    public static async Task<Chromium> LaunchAsync(int width = 1280, int height = 720, string locale = "en-GB")
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException($"{ExecutablePath} is missing: install Debian's chromium package (.ci/run does).");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var playwright = await Playwright.CreateAsync();
        var profile = Path.Combine(Path.GetTempPath(), "alexvis-chromium-" + Guid.NewGuid().ToString("N")[..10]);
        var context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = locale,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
            ],
        });
        return new Chromium(playwright, context, profile);
    }

    /// <summary>A new tab.</summary>
    public Task<IPage> NewPageAsync() => Context.NewPageAsync();

    /// <summary>Closes the browser and removes its profile.</summary>
    public async ValueTask DisposeAsync()
    {
        try { await Context.CloseAsync(); } catch (PlaywrightException) { }
        playwright.Dispose();
        try { Directory.Delete(profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
