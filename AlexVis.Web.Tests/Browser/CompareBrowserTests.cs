using System.Globalization;
using AlexVis.Harness;
using Xunit.Abstractions;

namespace AlexVis.Web.Tests.Browser;

/// <summary>Two photos side by side: A, B and A − B in Debian's Chromium, against PyTorch's conv1 and top-5.</summary>
[Collection(BrowserCollection.Name)]
public class CompareBrowserTests(BrowserFixture app, ITestOutputHelper output)
{
    /// <summary>PyTorch's conv1 value of a sample at sampled position k (index k · numel / count of the oracle's samples).</summary>
    static (int Channel, int Row, int Column, float Value) Conv1Sample(string sample, int k)
    {
        var layer = Support.Oracle.Meta(sample).GetProperty("layers")[0].GetProperty("samples");
        int count = layer.GetProperty("count").GetInt32();
        long index = (long)k * 64 * 55 * 55 / count;
        float value = Support.Oracle.Values(sample, layer)[k];
        return ((int)(index / 3025), (int)(index % 3025 / 55), (int)(index % 55), value);
    }

    static Task WaitForPredictionsAsync(ExplorePage page, string slot, int[] top5) =>
        page.Page.WaitForFunctionAsync("([slot, want]) => [...document.querySelectorAll(`[data-testid=predictions][data-slot=${slot}] [data-testid=prediction]`)].map(e => e.dataset.class).join(',') === want",
            new object[] { slot, string.Join(',', top5) }, new() { Timeout = 20_000 });

    [Fact]
    public async Task Comparing_two_samples_draws_a_minus_b_and_the_hover_gives_all_three_of_pytorchs_values()
    {
        var page = await app.OpenAsync("?sample=chelsea&layer=conv1&compare=coffee&view=difference");
        await page.Page.WaitForFunctionAsync("() => (document.querySelector('[data-testid=montage]')?.dataset.montageKey || '').includes('~minus~')", null, new() { Timeout = 30_000 });
        Assert.EndsWith(".s", await page.MontageKeyAsync()); // a scale centred on zero
        Assert.Contains("A − B", await page.Page.Locator("[data-testid=legend]").InnerTextAsync());
        Assert.Equal("coffee.png", await page.Page.Locator("[data-testid=b-image-name]").InnerTextAsync());

        // A cell the oracle holds for both photos: A's value is PyTorch's on the cat, B's PyTorch's on the coffee.
        var (channel, row, column, coffee) = Conv1Sample("coffee", 1000);
        float chelsea = ExploreBrowserTests.PyTorchConv1(channel, row, column);
        await page.HoverCellAsync(channel, row, column);
        var tip = page.Page.Locator(".av-tooltip");
        float a = float.Parse((await tip.GetAttributeAsync("data-a"))!, CultureInfo.InvariantCulture);
        float b = float.Parse((await tip.GetAttributeAsync("data-b"))!, CultureInfo.InvariantCulture);
        float drawn = float.Parse((await tip.GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture);
        Assert.Equal(chelsea, a);
        Assert.True(Math.Abs(b - coffee) <= 1e-5 * Math.Max(1, Math.Abs(coffee)), $"B {b:R} vs PyTorch {coffee:R}");
        Assert.Equal(a - b, drawn); // the drawn map is A − B, subtracted in float32
        Assert.Contains("A − B", await tip.InnerTextAsync());
        output.WriteLine($"conv1 {channel} ({row}, {column}): A {a:R} B {b:R} A−B {drawn:R}");
        output.WriteLine("screenshot: " + await BrowserFixture.ShotAsync(page, "36-compare-difference"));

        // Predictions side by side: A's top-5 and B's, each PyTorch's, B's with the change from A.
        await WaitForPredictionsAsync(page, "a", Support.Oracle.Top5("chelsea"));
        await WaitForPredictionsAsync(page, "b", Support.Oracle.Top5("coffee"));
        Assert.Equal(5, await page.Page.Locator("[data-testid=predictions][data-slot=b] [data-testid=prediction-change]").CountAsync());

        // B alone, then A alone: their own montages (no symmetric scale), the address says so.
        await page.Page.Locator("[data-testid=compare-b]").ClickAsync();
        await page.Page.WaitForFunctionAsync("() => { const k = document.querySelector('[data-testid=montage]').dataset.montageKey || ''; return !k.includes('~minus~') && !k.endsWith('.s'); }");
        await page.Page.WaitForURLAsync(url => url.Contains("view=b"));
        var bKey = await page.MontageKeyAsync();
        await page.Page.Locator("[data-testid=compare-a]").ClickAsync();
        await page.Page.WaitForFunctionAsync("k => document.querySelector('[data-testid=montage]').dataset.montageKey !== k", bKey);
        var hover = await page.HoverCellAsync(channel, row, column);
        Assert.Equal(chelsea, float.Parse(hover.Exact, CultureInfo.InvariantCulture));

        // Stop comparing: one photo again.
        await page.Page.Locator("[data-testid=compare-close]").ClickAsync();
        await page.Page.WaitForFunctionAsync("() => document.querySelectorAll('[data-testid=predictions]').length === 1");
        await page.Page.WaitForURLAsync(url => !url.Contains("compare="));
    }
}
