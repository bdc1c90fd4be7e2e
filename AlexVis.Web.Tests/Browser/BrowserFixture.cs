using AlexVis.Harness;

namespace AlexVis.Web.Tests.Browser;

/// <summary>
/// One app process (untrained model, loopback port, behind a cuttable proxy) and one headless Debian Chromium for
/// all browser tests; every test opens its own page, so its own Blazor circuit.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public AppServer Server { get; private set; } = default!;
    public TcpProxy Proxy { get; private set; } = default!;
    public Chromium Browser { get; private set; } = default!;

    /// <summary>Where screenshots go (kept by CI as artifacts; ignored by git).</summary>
    public static string Screenshots { get; } = Directory.CreateDirectory(Path.Combine(AppServer.RepositoryRoot(), "artifacts", "screenshots")).FullName;

    /// <summary>Saves what a page shows (the window, as a projector would) and returns the file's path.</summary>
    public static async Task<string> ShotAsync(ExplorePage page, string name)
    {
        var path = Path.Combine(Screenshots, name + ".png");
        await page.Page.ScreenshotAsync(new() { Path = path, FullPage = false });
        return path;
    }

    /// <summary>The address the browser uses.</summary>
    public Uri Url => Proxy.Url;

    public async Task InitializeAsync()
    {
        // A 3 MB upload limit, so the oversize test need not push 20 MB through the browser.
        // Refusals logged, so a test can read what a hostile file name does to the log.
        Server = await AppServer.StartAsync(settings: new Dictionary<string, string>
        {
            ["AlexVis:Upload:MaxBytes"] = (3 * 1024 * 1024).ToString(),
            ["Logging:LogLevel:AlexVis.Web.State.ImageLoader"] = "Information",
        });
        Proxy = new TcpProxy(Server.Url);
        Browser = await Chromium.LaunchAsync();
    }

    /// <summary>A fresh page on the explorer, with the first montage painted.</summary>
    public async Task<ExplorePage> OpenAsync(string query = "")
    {
        var page = new ExplorePage(await Browser.NewPageAsync());
        await page.OpenAsync(Url, query);
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        if (Proxy is not null) await Proxy.DisposeAsync();
        if (Server is not null) await Server.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
