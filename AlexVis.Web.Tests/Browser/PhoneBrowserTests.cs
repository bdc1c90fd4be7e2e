using AlexVis.Harness;
using Xunit.Abstractions;

namespace AlexVis.Web.Tests.Browser;

/// <summary>The explorer on a phone's screen (390 × 844 CSS pixels) in Debian's Chromium.</summary>
[Collection(BrowserCollection.Name)]
public class PhoneBrowserTests(BrowserFixture app, ITestOutputHelper output)
{
    [Fact]
    public async Task On_a_phone_the_untrained_notice_is_brief_and_closes_and_nothing_scrolls_sideways()
    {
        await using var phone = await Chromium.LaunchAsync(390, 844);
        var page = new ExplorePage(await phone.NewPageAsync());
        await page.OpenAsync(app.Url, "?sample=chelsea");
        var banner = page.Page.Locator("[data-testid=weights-banner]");
        var box = await banner.BoundingBoxAsync();
        Assert.True(box!.Height <= 844 / 5.0, $"the notice takes {box.Height} of 844 pixels");
        var text = await banner.InnerTextAsync();
        Assert.DoesNotContain("/", text); // no path of the server's disk
        output.WriteLine($"notice {box.Height:0} px: {text}");
        output.WriteLine("screenshot: " + await BrowserFixture.ShotAsync(page, "40-phone"));
        await page.Page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.Screenshots, "40-phone-whole-page.png"), FullPage = true });
        // Wider than the screen is only what scrolls inside its own panel (none of the page itself).
        var width = await page.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"the page is {width} pixels wide on a 390-pixel screen");
        await banner.Locator("button").ClickAsync();
        await banner.WaitForAsync(new() { State = Microsoft.Playwright.WaitForSelectorState.Detached });
    }
}
