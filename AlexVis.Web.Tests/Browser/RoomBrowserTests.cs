using AlexVis.Harness;
using AlexVis.Model.Network;
using Xunit.Abstractions;

namespace AlexVis.Web.Tests.Browser;

/// <summary>
/// A class in real browsers: the teacher in the fixture's Chromium, the students in another Chromium (another profile,
/// so nothing shared but the server), each page its own circuit.
/// </summary>
[Collection(BrowserCollection.Name)]
public class RoomBrowserTests(BrowserFixture app, ITestOutputHelper output)
{
    /// <summary>The teacher's page starts a class; returns its code.</summary>
    internal static async Task<string> StartClassAsync(ExplorePage teacher)
    {
        await teacher.Page.Locator("[data-testid=room-start]").ClickAsync();
        return (await teacher.Page.Locator("[data-testid=room-code]").InnerTextAsync()).Trim();
    }

    /// <summary>A student's page in <paramref name="browser"/> joins by the class's link on <paramref name="server"/>.</summary>
    internal static async Task<ExplorePage> JoinAsync(Chromium browser, Uri server, string code)
    {
        var student = new ExplorePage(await browser.NewPageAsync());
        await student.OpenAsync(server, $"room/{code}");
        return student;
    }

    [Fact]
    public async Task The_class_follows_the_teacher_branches_off_comes_back_and_a_late_joiner_starts_where_the_class_is()
    {
        var teacher = await app.OpenAsync("?sample=chelsea");
        var code = await StartClassAsync(teacher);
        var link = await teacher.Page.Locator("[data-testid=room-link]").GetAttributeAsync("href");
        Assert.Equal(new Uri(app.Url, $"room/{code}").ToString(), link);
        Assert.DoesNotContain(code, teacher.Page.Url); // the teacher's page keeps its own address; its key is in no link

        await using var students = await Chromium.LaunchAsync();
        var student = await JoinAsync(students, app.Url, code);
        Assert.StartsWith("Following the teacher", await student.Page.Locator("[data-testid=room-status]").InnerTextAsync());
        await teacher.Page.Locator("[data-testid=room-census]", new() { HasTextString = "1 student · 1 following" }).WaitForAsync();

        // The teacher steps through five layers; each time the student's page shows the same layer, painted.
        for (int i = 1; i <= 5; i++)
        {
            var layer = AlexNetLayers.Visible[i];
            await teacher.Page.Locator("[data-testid=layer-next]").ClickAsync();
            await teacher.WaitForLayerAsync(layer.Index, layer.IsSpatial);
            await student.WaitForLayerAsync(layer.Index, layer.IsSpatial, timeout: 10_000);
            Assert.Equal(await teacher.LayerLabelAsync(), await student.LayerLabelAsync());
        }

        // The teacher opens a channel by clicking its map; the student's page opens the same one.
        var (x, y) = await teacher.CellPointAsync(7, 3, 3);
        await teacher.Page.Mouse.ClickAsync(x, y);
        var title = $"{AlexNetLayers.Visible[5].Alias} · channel 7 ";
        await teacher.Page.Locator("[data-testid=channel-title]", new() { HasTextString = title }).WaitForAsync();
        await student.Page.Locator("[data-testid=channel-title]", new() { HasTextString = title }).WaitForAsync(new() { Timeout = 10_000 });

        // The teacher points at a cell: the student's montage and channel panels mark it.
        (x, y) = await teacher.CellPointAsync(7, 5, 2);
        await teacher.Page.Mouse.MoveAsync(x, y);
        var expected = await student.Page.EvaluateAsync<string>(@"() => {
            const l = JSON.parse(document.querySelector('[data-testid=montage]').dataset.layout);
            return `${(7 % l.columns) * (l.tileWidth + l.gap) + 2},${Math.floor(7 / l.columns) * (l.tileHeight + l.gap) + 5}`;
        }");
        await student.Page.WaitForFunctionAsync("m => document.querySelector('[data-testid=montage]').dataset.marked === m", expected, new() { Timeout = 10_000 });
        await student.Page.WaitForFunctionAsync("() => document.querySelector('[data-testid=channel-heatmap]').dataset.marked === '2,5'", null, new() { Timeout = 10_000 });
        Assert.Null(await teacher.Page.Locator("[data-testid=montage]").GetAttributeAsync("data-marked")); // the teacher's own page is not marked
        // The student's crop outlines the pixels the teacher's cell sees, as the teacher's own does.
        var region = AlexVis.Model.Inference.ReceptiveField.Of(AlexNetLayers.Visible[5], 5, 2);
        var outline = await student.ReceptiveFieldAsync(region.Top);
        Assert.Equal((region.Top, region.Left, region.Bottom, region.Right), (outline.Top, outline.Left, outline.Bottom, outline.Right));
        var own = await teacher.ReceptiveFieldAsync(region.Top);
        Assert.Equal((own.Top, own.Left, own.Bottom, own.Right), (outline.Top, outline.Left, outline.Bottom, outline.Right));

        // The student steps on his own: following pauses, and the teacher's next step does not move him.
        await student.Page.Locator("[data-testid=layer-prev]").ClickAsync();
        await student.Page.Locator("[data-testid=room-status]", new() { HasTextString = "Following paused" }).WaitForAsync();
        await teacher.Page.Locator("[data-testid=room-census]", new() { HasTextString = "1 on their own" }).WaitForAsync();
        var mine = await student.LayerLabelAsync();
        var next = AlexNetLayers.Visible[6];
        await teacher.Page.Locator("[data-testid=layer-next]").ClickAsync();
        await teacher.WaitForLayerAsync(next.Index, next.IsSpatial);
        await Task.Delay(500);
        Assert.Equal(mine, await student.LayerLabelAsync());

        // Back to the teacher: the student's page shows where the class is now.
        await student.Page.Locator("[data-testid=room-back]").ClickAsync();
        await student.WaitForLayerAsync(next.Index, next.IsSpatial, timeout: 10_000);
        Assert.StartsWith("Following the teacher", await student.Page.Locator("[data-testid=room-status]").InnerTextAsync());

        // A late joiner starts from the class's current layer at once.
        var late = await JoinAsync(students, app.Url, code);
        await late.WaitForLayerAsync(next.Index, next.IsSpatial, timeout: 10_000);
        await teacher.Page.Locator("[data-testid=room-census]", new() { HasTextString = "2 students · 2 following" }).WaitForAsync();
        output.WriteLine($"class {code}: {await teacher.Page.Locator("[data-testid=room-census]").InnerTextAsync()}");
        output.WriteLine("screenshot: " + await BrowserFixture.ShotAsync(teacher, "10-room-teacher"));
        output.WriteLine("screenshot: " + await BrowserFixture.ShotAsync(late, "11-room-student"));
    }

    [Fact]
    public async Task A_teacher_who_reloads_the_page_keeps_the_class_and_a_new_tab_does_not_take_it()
    {
        var teacher = await app.OpenAsync("?sample=chelsea");
        var code = await StartClassAsync(teacher);
        await using var students = await Chromium.LaunchAsync();
        var student = await JoinAsync(students, app.Url, code);
        var conv2 = AlexNetLayers.Visible[2];
        for (int i = 0; i < 2; i++) await teacher.Page.Locator("[data-testid=layer-next]").ClickAsync();
        await student.WaitForLayerAsync(conv2.Index, conv2.IsSpatial, timeout: 10_000);

        await teacher.Page.ReloadAsync(); // a new circuit, the old one gone
        await teacher.Page.Locator("[data-testid=room-code]", new() { HasTextString = code }).WaitForAsync(new() { Timeout = 10_000 });
        await teacher.WaitForLayerAsync(conv2.Index, conv2.IsSpatial);
        await teacher.Page.Locator("[data-testid=room-census]", new() { HasTextString = "1 student · 1 following" }).WaitForAsync(new() { Timeout = 10_000 });
        var next = AlexNetLayers.Visible[AlexNetLayers.VisibleIndex(conv2) + 1];
        await teacher.Page.Locator("[data-testid=layer-next]").ClickAsync();
        await student.WaitForLayerAsync(next.Index, next.IsSpatial, timeout: 10_000); // it still leads

        // The key lives in that tab's session storage only: another tab of the same browser explores on its own.
        var other = await app.OpenAsync("?sample=chelsea");
        Assert.Equal(0, await other.Page.Locator("[data-testid=room-code]").CountAsync());
        Assert.Equal(1, await other.Page.Locator("[data-testid=room-start]").CountAsync());
    }

    [Fact]
    public async Task A_student_hands_in_a_photo_and_the_teacher_shows_it_to_everyone()
    {
        var teacher = await app.OpenAsync("?sample=coffee");
        var code = await StartClassAsync(teacher);
        await using var students = await Chromium.LaunchAsync();
        var author = await JoinAsync(students, app.Url, code);
        var classmate = await JoinAsync(students, app.Url, code);

        var rocket = await File.ReadAllBytesAsync(Path.Combine(AppServer.RepositoryRoot(), "samples", "rocket.jpg"));
        await author.UploadAsync("launch.jpg", rocket);
        await author.Page.Locator("[data-testid=image-name]", new() { HasTextString = "launch.jpg" }).WaitForAsync(new() { Timeout = 30_000 });
        await author.Page.Locator("[data-testid=room-status]", new() { HasTextString = "Following paused" }).WaitForAsync();
        await author.Page.Locator("[data-testid=room-hand-in]").ClickAsync();
        await author.Page.Locator("[data-testid=room-handed-in]").WaitForAsync();

        var photo = teacher.Page.Locator("[data-testid=gallery-photo]");
        await photo.WaitForAsync(new() { Timeout = 10_000 });
        Assert.Equal("launch.jpg, from student 1", await photo.GetAttributeAsync("title"));
        await photo.ClickAsync();
        await teacher.Page.Locator("[data-testid=image-name]", new() { HasTextString = "launch.jpg" }).WaitForAsync(new() { Timeout = 10_000 });
        await classmate.Page.Locator("[data-testid=image-name]", new() { HasTextString = "launch.jpg" }).WaitForAsync(new() { Timeout = 10_000 });
        Assert.Equal(await teacher.CropSourceAsync(), await classmate.CropSourceAsync());
        Assert.Equal(await teacher.PredictionsAsync(), await classmate.PredictionsAsync());
    }

    [Fact]
    public async Task A_student_page_that_forges_the_teachers_pointer_is_refused_and_logged()
    {
        var teacher = await app.OpenAsync("?sample=chelsea");
        var code = await StartClassAsync(teacher);
        await using var students = await Chromium.LaunchAsync();
        var forger = await JoinAsync(students, app.Url, code);
        var classmate = await JoinAsync(students, app.Url, code);

        // With devtools a student can reach the .NET object his montage calls (here: caught on a click) and call
        // what only the teacher's page calls.
        await forger.Page.EvaluateAsync(@"() => {
            const invoke = DotNet.DotNetObject.prototype.invokeMethodAsync;
            DotNet.DotNetObject.prototype.invokeMethodAsync = function (name, ...args) {
                if (name === 'Select') window.captured = this;
                return invoke.call(this, name, ...args);
            };
        }");
        var (x, y) = await forger.CellPointAsync(3, 1, 1);
        await forger.Page.Mouse.ClickAsync(x, y);
        await forger.Page.WaitForFunctionAsync("() => !!window.captured");
        await forger.Page.EvaluateAsync("() => window.captured.invokeMethodAsync('Point', 3, 1, 1)");

        for (int i = 0; i < 100 && !app.Server.Output.Any(l => l.Contains($"Refused a change to room {code} from student page")); i++) await Task.Delay(50);
        Assert.Contains(app.Server.Output, l => l.Contains($"Refused a change to room {code} from student page"));
        await Task.Delay(300);
        Assert.Null(await classmate.Page.Locator("[data-testid=montage]").GetAttributeAsync("data-marked")); // nobody sees a pointer
    }

    [Fact]
    public async Task A_wrong_code_says_so_and_the_page_explores_alone()
    {
        var page = new ExplorePage(await app.Browser.NewPageAsync());
        await page.OpenAsync(app.Url, "room/ZZZZZZ");
        Assert.Contains("There is no class with the code ZZZZZZ", await page.Page.Locator("[data-testid=room-error]").InnerTextAsync());
        Assert.True(await page.Page.Locator("[data-testid=room-start]").IsVisibleAsync());
    }
}

