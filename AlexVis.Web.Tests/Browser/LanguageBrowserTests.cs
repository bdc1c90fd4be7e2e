using AlexVis.Harness;
using AlexVis.Model.Network;
using AlexVis.Web.Components.Layout;
using AlexVis.Web.Components.Pages.Explore;
using AlexVis.Web.Services;
using AlexVis.Web.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace AlexVis.Web.Tests.Browser;

/// <summary>
/// English and Simplified Chinese in Debian's Chromium: the switch, the browser's own language, a class whose
/// students read different languages, and screenshots of every panel in 中文 (Debian's fonts-noto-cjk draws them).
/// Each test has its own browser profile, so the language cookie never reaches the other tests' pages.
/// </summary>
[Collection(BrowserCollection.Name)]
public class LanguageBrowserTests(BrowserFixture app, ITestOutputHelper output)
{
    const string Chinese = "zh-CN";

    static Task WaitForLanguageAsync(ExplorePage page, string lang) =>
        page.Page.WaitForFunctionAsync($"() => document.documentElement.lang === '{lang}'", null, new() { Timeout = 30_000 });

    [Fact]
    public async Task The_switch_reloads_the_page_in_Chinese_with_every_panel_in_Chinese_and_back()
    {
        await using var browser = await Chromium.LaunchAsync();
        var page = new ExplorePage(await browser.NewPageAsync());
        await page.OpenAsync(app.Url, "?sample=chelsea&layer=conv1");
        Assert.Equal("en", await page.Page.EvaluateAsync<string>("() => document.documentElement.lang"));
        Assert.Equal(Words.In<MainLayout>("en", "Tagline"), await page.Page.Locator("[data-testid=tagline]").InnerTextAsync());

        await page.Page.Locator("[data-testid=language-switch]").ClickAsync();
        await WaitForLanguageAsync(page, Chinese);
        await page.OpenAsync(new Uri(page.Page.Url)); // the reloaded page, painted again
        Assert.Contains("layer=conv1", page.Page.Url); // the student stays where he was
        Assert.Contains("sample=chelsea", page.Page.Url);

        // The page's words, the Model's layer note and the words the panels' modules write, all in Chinese.
        Assert.Equal(Words.In<MainLayout>(Chinese, "Tagline"), await page.Page.Locator("[data-testid=tagline]").InnerTextAsync());
        var conv1 = AlexNetLayers.Get("conv1");
        Assert.Equal(Words.InCulture(Chinese, () => conv1.Note), await page.Page.Locator("[data-testid=layer-note]").InnerTextAsync());
        Assert.NotEqual(conv1.Note, Words.InCulture(Chinese, () => conv1.Note));
        var montageLabel = await page.Page.Locator("[data-testid=montage]").GetAttributeAsync("aria-label");
        Assert.StartsWith(Words.In<PlotsInterop>(Chinese, "MontageAlt", "conv1", 64, 55, 55, "").TrimEnd('。'), montageLabel);
        Assert.Equal(Words.In<PredictionsPanel>(Chinese, "ClassNames"), await page.Page.Locator("[data-testid=class-names-note]").InnerTextAsync());
        // plotly's own buttons too, every one of them (plotly looks its English phrases up word for word).
        var buttons = await page.Page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('[data-testid=montage] .modebar-btn')].map(b => b.dataset.title)");
        Assert.Equal(
            new[] { "PlotlyDownload", "PlotlyZoom", "PlotlyPan", "PlotlyZoomIn", "PlotlyZoomOut", "PlotlyResetAxes" }.Select(k => Words.In<PlotsInterop>(Chinese, k)).Order(),
            buttons.Order());

        // A channel open and the kernels in view: every panel is shot in Chinese.
        var (x, y) = await page.CellPointAsync(12, 20, 20);
        await page.Page.Mouse.ClickAsync(x, y);
        await page.Page.Locator("[data-testid=channel-title]", new() { HasTextString = Words.In<ChannelPanel>(Chinese, "Title", "conv1", 12) }).WaitForAsync();
        var stats = page.Page.Locator("[data-testid=channel-stats]");
        await stats.Locator("b", new() { HasTextString = Words.In<PlotsInterop>(Chinese, "StatMax") }).WaitForAsync();
        var kernels = page.Page.Locator("[data-testid=kernels]");
        await kernels.ScrollIntoViewIfNeededAsync();
        await page.Page.WaitForFunctionAsync("() => !!document.querySelector('[data-testid=kernels]')?.dataset.kernelsKey", null, new() { Timeout = 30_000 });
        Assert.Contains(Words.In<KernelsPanel>(Chinese, "Title", "conv1"), await page.Page.Locator("[data-testid=kernels-title]").InnerTextAsync());
        await page.Page.Locator("[data-testid=why-gradcam]").ClickAsync();
        await page.Page.Locator("[data-testid=why-overlay]").WaitForAsync(new() { Timeout = 60_000 });
        await page.Page.Locator("[data-testid=compare-open]").ClickAsync();

        var panels = page.Page.Locator(".av-panel");
        int count = await panels.CountAsync();
        Assert.True(count >= 10, $"{count} panels");
        for (int i = 0; i < count; i++)
        {
            var path = Path.Combine(BrowserFixture.Screenshots, $"60-zh-panel-{i + 1:00}.png");
            await panels.Nth(i).ScreenshotAsync(new() { Path = path });
        }
        await page.Page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "59-zh-explorer.png"), FullPage = true });
        output.WriteLine($"{count} panels shot in Chinese in {BrowserFixture.Screenshots}");

        // Nothing English is left in the panels' own words (names of layers, methods and photos aside).
        var text = await page.Page.Locator(".mud-main-content").InnerTextAsync();
        foreach (var english in new[] { Words.In<FeatureMapsPanel>("en", "Help"), Words.In<ChannelPanel>("en", "SwitchOff"), Words.In<ImagePanel>("en", "Choose") })
            Assert.DoesNotContain(english, text);

        await page.Page.Locator("[data-testid=language-switch]").ClickAsync();
        await WaitForLanguageAsync(page, "en");
        await page.Page.Locator("[data-testid=tagline]", new() { HasTextString = Words.In<MainLayout>("en", "Tagline") }).WaitForAsync();
    }

    [Fact]
    public async Task A_Chinese_browser_gets_Chinese_at_once_and_on_a_phone_nothing_scrolls_sideways()
    {
        await using var phone = await Chromium.LaunchAsync(390, 844, locale: Chinese);
        var page = new ExplorePage(await phone.NewPageAsync());
        await page.OpenAsync(app.Url, "?sample=chelsea");
        Assert.Equal(Chinese, await page.Page.EvaluateAsync<string>("() => document.documentElement.lang"));
        Assert.Equal(Words.In<LayerSlider>(Chinese, "NextLayer"), await page.Page.Locator("[data-testid=layer-next]").GetAttributeAsync("aria-label"));
        var width = await page.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"the page is {width} pixels wide on a 390-pixel screen");
        output.WriteLine("screenshot: " + await BrowserFixture.ShotAsync(page, "41-phone-zh"));
        await page.Page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "42-phone-zh-whole-page.png"), FullPage = true });
    }

    [Fact]
    public async Task In_a_class_each_student_keeps_their_language_when_the_teacher_changes_the_page()
    {
        var teacher = await app.OpenAsync("?sample=chelsea");
        var code = await RoomBrowserTests.StartClassAsync(teacher);
        await using var chinese = await Chromium.LaunchAsync(locale: Chinese);
        var student = await RoomBrowserTests.JoinAsync(chinese, app.Url, code);
        Assert.StartsWith(Words.In<RoomPanel>(Chinese, "Following"), await student.Page.Locator("[data-testid=room-status]").InnerTextAsync());

        // The teacher's click renders the student's page on the teacher's thread: in the student's language all the same.
        var layer = AlexNetLayers.Visible[3];
        // Three quick clicks: the student's page once stayed a layer behind here (the echo of its own earlier address,
        // coming back after the room's next change, was applied as if it were a link). If a page does not reach the
        // layer, both pages' state and messages are written out.
        var consoleLines = new List<string>();
        teacher.Page.Console += (_, m) => consoleLines.Add("T " + m.Type + ": " + m.Text);
        student.Page.Console += (_, m) => consoleLines.Add("S " + m.Type + ": " + m.Text);
        teacher.Page.PageError += (_, m) => consoleLines.Add("T error: " + m);
        student.Page.PageError += (_, m) => consoleLines.Add("S error: " + m);
        for (int i = 0; i < 3; i++) await teacher.Page.Locator("[data-testid=layer-next]").ClickAsync();
        try { await teacher.WaitForLayerAsync(layer.Index, layer.IsSpatial); await student.WaitForLayerAsync(layer.Index, layer.IsSpatial); }
        catch (TimeoutException)
        {
            const string state = "() => { const m = document.querySelector('[data-testid=montage]'); return JSON.stringify({ key: m?.dataset.montageKey, label: document.querySelector('[data-testid=layer-label]')?.textContent, promises: m?._promises?.length, transitioning: !!m?._transitioning, hasLayout: !!m?.layout, painted: m?.dataset.painted, busy: document.querySelector('[data-testid=busy]')?.textContent }); }";
            output.WriteLine("at the timeout: teacher=" + await teacher.Page.EvaluateAsync<string>(state) + " student=" + await student.Page.EvaluateAsync<string>(state) + " console=" + string.Join(" | ", consoleLines));
            throw;
        }
        // The teacher's three clicks may reach the student's page as one change or three: wait for the last.
        await student.Page.Locator("[data-testid=layer-note]", new() { HasTextString = Words.InCulture(Chinese, () => layer.Note) }).WaitForAsync(new() { Timeout = 30_000 });
        Assert.Equal(Words.InCulture("en", () => layer.Note), await teacher.Page.Locator("[data-testid=layer-note]").InnerTextAsync());
        var legend = await student.Page.Locator("[data-testid=legend]").InnerTextAsync();
        Assert.Equal(Words.In<PlotsInterop>(Chinese, "LegendPerMap"), legend);
        Assert.Contains(Words.In<RoomPanel>("en", "JoinAt"), await teacher.Page.Locator("[data-testid=room]").InnerTextAsync());
    }

    [Fact]
    public async Task The_language_comes_from_the_cookie_then_the_browser_and_the_switch_goes_back_only_to_this_site()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = app.Server.Url };
        async Task<string> LangOf(string? acceptLanguage, string? cookie = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/");
            if (acceptLanguage is not null) request.Headers.Add("Accept-Language", acceptLanguage);
            if (cookie is not null) request.Headers.Add("Cookie", cookie);
            var html = await (await http.SendAsync(request)).Content.ReadAsStringAsync();
            return System.Text.RegularExpressions.Regex.Match(html, "<html lang=\"([^\"]+)\"").Groups[1].Value;
        }
        Assert.Equal("en", await LangOf(null));
        Assert.Equal(Chinese, await LangOf("zh-CN,zh;q=0.9,en;q=0.8"));
        Assert.Equal(Chinese, await LangOf("zh-Hans-CN"));
        Assert.Equal(Chinese, await LangOf("zh"));
        Assert.Equal("en", await LangOf("zh-TW,zh-Hant;q=0.9")); // Traditional Chinese readers get English, not Simplified
        Assert.Equal("en", await LangOf("fr-FR,de;q=0.8"));
        Assert.Equal("en", await LangOf("en-US,zh-CN;q=0.5"));

        using var switched = await http.GetAsync("/culture/zh-CN?back=%2F%3Flayer%3Dconv2");
        Assert.Equal(System.Net.HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal("/?layer=conv2", switched.Headers.Location!.OriginalString);
        var cookie = switched.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        Assert.Equal(Chinese, await LangOf("en-US", cookie)); // the choice beats the browser's language
        foreach (var away in new[] { "//evil.example/", "https://evil.example/", "/\\evil.example" })
        {
            using var refused = await http.GetAsync("/culture/en?back=" + Uri.EscapeDataString(away));
            Assert.Equal("/", refused.Headers.Location!.OriginalString);
        }
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("/culture/fr")).StatusCode);
    }
}
