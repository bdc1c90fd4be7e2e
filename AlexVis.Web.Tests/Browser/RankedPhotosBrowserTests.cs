using System.Globalization;
using System.Text.Json;
using AlexVis.Harness;
using AlexVis.Model.Inference;
using AlexVis.Model.Network;
using Xunit.Abstractions;

namespace AlexVis.Web.Tests.Browser;

/// <summary>The photos that drive a channel most, from the samples alone and from a class's handed-in photos, against PyTorch's pool5.</summary>
[Collection(BrowserCollection.Name)]
public class RankedPhotosBrowserTests(BrowserFixture app, ITestOutputHelper output)
{
    static readonly string oracle = Support.Oracle.Folder;
    static readonly string samples = Path.Combine(AppServer.RepositoryRoot(), "samples");
    static readonly LayerInfo pool5 = AlexNetLayers.Get("pool5");

    /// <summary>PyTorch's pool5 channel peak for a bundled sample: value, row, column (the first maximum).</summary>
    static (float Max, int Row, int Column) PyTorchPeak(string sample, int channel)
    {
        var values = Support.Oracle.Values(sample, "pool5").AsSpan(channel * 36, 36);
        int best = 0;
        for (int i = 1; i < 36; i++) if (values[i] > values[best]) best = i;
        return (values[best], best / 6, best % 6);
    }

    /// <summary>The channel among the first 32 whose peaks over these samples are furthest apart, so the order is PyTorch's beyond doubt.</summary>
    static int ClearChannel(string[] names) => Enumerable.Range(0, 32).MaxBy(c =>
    {
        var peaks = names.Select(n => PyTorchPeak(n, c).Max).Order().ToArray();
        return peaks.Zip(peaks.Skip(1), (a, b) => b - a).Min() / Math.Max(1e-6f, peaks[^1]);
    });

    /// <summary>Waits for <paramref name="count"/> ranked photos and reads each one's caption, peak and region.</summary>
    static async Task<(string Name, float Max, string Region)[]> RankedAsync(ExplorePage page, int count)
    {
        await page.Page.WaitForFunctionAsync("n => document.querySelectorAll('[data-testid=ranked-photo]').length === n", count, new() { Timeout = 60_000 });
        var json = await page.Page.EvaluateAsync<string>(@"() => JSON.stringify([...document.querySelectorAll('[data-testid=ranked-photo]')]
            .map(e => ({ key: e.dataset.key, max: e.dataset.max, region: e.dataset.region, name: e.querySelector('figcaption').textContent })))");
        return JsonDocument.Parse(json).RootElement.EnumerateArray()
            .Select(e => (e.GetProperty("name").GetString()!, float.Parse(e.GetProperty("max").GetString()!, CultureInfo.InvariantCulture), e.GetProperty("region").GetString()!))
            .ToArray();
    }

    static void AssertRanking(string[] expected, int channel, (string Name, float Max, string Region)[] shown, Func<string, string> nameOf)
    {
        var order = expected.OrderByDescending(n => PyTorchPeak(n, channel).Max).ToArray();
        Assert.Equal(order.Length, shown.Length);
        for (int i = 0; i < order.Length; i++)
        {
            var (max, row, column) = PyTorchPeak(order[i], channel);
            Assert.Contains(nameOf(order[i]), shown[i].Name);
            Assert.True(Math.Abs(shown[i].Max - max) <= 1e-5 * Math.Max(1, Math.Abs(max)), $"{order[i]}: shown {shown[i].Max:R}, PyTorch {max:R}");
            var r = ReceptiveField.Of(pool5, row, column);
            Assert.Equal($"{r.Top},{r.Left},{r.Bottom},{r.Right}", shown[i].Region);
        }
    }

    [Fact]
    public async Task Alone_the_samples_and_the_students_own_photo_are_ranked_by_the_channels_peak()
    {
        string[] names = ["astronaut", "chelsea", "coffee", "rocket"];
        int channel = ClearChannel(names);
        var page = await app.OpenAsync($"?sample=chelsea&layer=pool5&channel={channel}");
        AssertRanking(names, channel, await RankedAsync(page, 4), n => $"{n}.");
        // Every tile's crop is served (each is the photo's own 224 × 224 crop, zoomed onto the region).
        var statuses = await page.Page.EvaluateAsync<int[]>(@"() => Promise.all([...document.querySelectorAll('.av-ranked-crop')]
            .map(e => fetch(getComputedStyle(e).backgroundImage.slice(5, -2)).then(r => r.status)))");
        Assert.Equal([200, 200, 200, 200], statuses);
        await page.Page.Locator("[data-testid=ranked-photos]").ScrollIntoViewIfNeededAsync();
        output.WriteLine("screenshot: " + await BrowserFixture.ShotAsync(page, "34-ranked-samples"));
        // The student's own photo joins the set (a photo that is not a sample: the same bytes would count once).
        var grey = await File.ReadAllBytesAsync(Path.Combine(oracle, "images", "grey.png"));
        await page.UploadAsync("mine.png", grey, "image/png");
        var five = await RankedAsync(page, 5);
        Assert.Contains(five, p => p.Name.Contains("mine.png") && p.Name.Contains("you"));
        output.WriteLine($"pool5 channel {channel}: " + string.Join(" > ", five.Select(p => $"{p.Name.Trim()} {p.Max:R}")));
    }

    [Fact]
    public async Task In_a_room_the_three_handed_in_photos_are_ranked_for_the_teacher_and_a_following_student()
    {
        string[] names = ["astronaut", "chelsea", "coffee"];
        int channel = ClearChannel(names);
        var teacher = await app.OpenAsync($"?sample=rocket&layer=pool5&channel={channel}");
        var code = await RoomBrowserTests.StartClassAsync(teacher);
        await using var students = await Chromium.LaunchAsync();
        foreach (var name in names)
        {
            var student = await RoomBrowserTests.JoinAsync(students, app.Url, code);
            await student.UploadAsync($"{name}-photo.png", await File.ReadAllBytesAsync(Path.Combine(samples, $"{name}.png")), "image/png");
            await student.Page.Locator("[data-testid=image-name]", new() { HasTextString = $"{name}-photo.png" }).WaitForAsync(new() { Timeout = 30_000 });
            await student.Page.Locator("[data-testid=room-hand-in]").ClickAsync();
            await student.Page.Locator("[data-testid=room-handed-in]").WaitForAsync();
        }
        AssertRanking(names, channel, await RankedAsync(teacher, 3), n => $"{n}-photo.png");
        await teacher.Page.Locator("[data-testid=ranked-photos]").ScrollIntoViewIfNeededAsync();
        output.WriteLine("screenshot: " + await BrowserFixture.ShotAsync(teacher, "35-ranked-class-photos"));
        // A student who joins now follows the teacher to the channel and sees the same ranking.
        var late = await RoomBrowserTests.JoinAsync(students, app.Url, code);
        AssertRanking(names, channel, await RankedAsync(late, 3), n => $"{n}-photo.png");
        Assert.Contains("the class's 3 handed-in photos", await late.Page.Locator(".av-panel-title", new() { HasTextString = "What drives" }).InnerTextAsync());
    }
}
