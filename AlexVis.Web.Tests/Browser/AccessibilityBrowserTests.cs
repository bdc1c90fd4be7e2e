using AlexVis.Harness;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Xunit.Abstractions;

namespace AlexVis.Web.Tests.Browser;

/// <summary>
/// axe-core (Deque's engine, as browsers' accessibility audits run it) over the explorer in Debian's Chromium, in
/// both languages and both themes, with a channel open and the kernels shown: no serious or critical violation of
/// WCAG 2.1 A and AA, text contrast included.
/// </summary>
[Collection(BrowserCollection.Name)]
public class AccessibilityBrowserTests(BrowserFixture app, ITestOutputHelper output)
{
    public static TheoryData<string, bool> Views() => new()
    {
        { "en-GB", false }, { "en-GB", true }, { "zh-CN", false }, { "zh-CN", true },
    };

    [Theory]
    [MemberData(nameof(Views))]
    public async Task The_explorer_has_no_serious_or_critical_violations(string locale, bool dark)
    {
        await using var browser = await Chromium.LaunchAsync(locale: locale);
        var page = new ExplorePage(await browser.NewPageAsync());
        await page.OpenAsync(app.Url, "?sample=chelsea&layer=conv1&channel=12");
        if (dark)
        {
            await page.Page.Locator("[data-testid=theme-toggle]").ClickAsync();
            await page.Page.Locator(".mud-theme-dark, [data-testid=theme-toggle]").First.WaitForAsync();
            await page.Page.WaitForFunctionAsync("() => getComputedStyle(document.body).backgroundColor !== 'rgb(255, 255, 255)'");
        }
        await page.Page.Locator("[data-testid=channel-stats] b").First.WaitForAsync(new() { Timeout = 30_000 });
        await page.Page.Locator("[data-testid=kernels]").ScrollIntoViewIfNeededAsync();
        await page.Page.WaitForFunctionAsync("() => !!document.querySelector('[data-testid=kernels]')?.dataset.kernelsKey", null, new() { Timeout = 30_000 });

        var results = await page.Page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        });
        // Every violation is printed (a moderate one is worth knowing about); serious and critical ones fail.
        foreach (var v in results.Violations)
            foreach (var n in v.Nodes)
                output.WriteLine($"{v.Impact} {v.Id}: {n.Target} — {string.Join("; ", n.Any.Concat(n.All).Concat(n.None).Select(c => c.Message))}");
        output.WriteLine($"{results.Passes.Length} rules passed, {results.Violations.Length} violated");
        var serious = results.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Impact} {v.Id} ({v.Help}): {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Target.ToString()))}").ToArray();
        Assert.True(serious.Length == 0, string.Join("\n", serious));
        Assert.True(results.Passes.Length > 10, "axe ran its rules");
    }
}
