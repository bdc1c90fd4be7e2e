using AlexVis.Web.Components.Pages.Explore;
using AlexVis.Web.Rooms;
using AlexVis.Web.Tests.Support;

namespace AlexVis.Web.Tests.Components.Pages.Explore;

public class RoomPanelTests : ComponentTest
{
    readonly List<string> asked = [];

    IRenderedComponent<RoomPanel> RenderPanel(RoomRole role, bool following = true, RoomCensus? census = null) => Render<RoomPanel>(p => p
        .Add(x => x.Role, role)
        .Add(x => x.Code, role == RoomRole.None ? null : "K7MPX2")
        .Add(x => x.JoinUrl, role == RoomRole.Teacher ? "http://class.example/room/K7MPX2" : null)
        .Add(x => x.QrPng, role == RoomRole.Teacher ? "data:image/png;base64,AAAA" : null)
        .Add(x => x.Census, census)
        .Add(x => x.Following, following)
        .Add(x => x.StartClass, () => asked.Add("start"))
        .Add(x => x.Join, (string code) => asked.Add($"join {code}"))
        .Add(x => x.BackToTeacher, () => asked.Add("back"))
        .Add(x => x.BringEveryoneBack, () => asked.Add("recall")));

    [Fact]
    public void Alone_a_page_offers_to_start_a_class_or_join_one_by_code()
    {
        var cut = RenderPanel(RoomRole.None);
        cut.Find("[data-testid=room-start]").Click();
        cut.Find("[data-testid=room-code-input]").Input("k7m px2");
        cut.Find("[data-testid=room-join]").Click();
        cut.Find("[data-testid=room-code-input]").KeyDown("Enter");
        Assert.Equal(["start", "join k7m px2", "join k7m px2"], asked);
    }

    [Fact]
    public void The_teacher_sees_code_link_qr_code_and_the_class()
    {
        var cut = RenderPanel(RoomRole.Teacher, census: new RoomCensus(3, 2));
        Assert.Equal("K7MPX2", cut.Find("[data-testid=room-code]").TextContent);
        Assert.Equal("http://class.example/room/K7MPX2", cut.Find("[data-testid=room-link]").GetAttribute("href"));
        Assert.Equal("data:image/png;base64,AAAA", cut.Find("[data-testid=room-qr]").GetAttribute("src"));
        Assert.Equal("3 students · 2 following · 1 on their own", cut.Find("[data-testid=room-census]").TextContent);
        cut.Find("[data-testid=room-recall]").Click();
        Assert.Equal(["recall"], asked);
    }

    [Fact]
    public void With_everyone_following_there_is_nobody_to_bring_back()
    {
        var cut = RenderPanel(RoomRole.Teacher, census: new RoomCensus(1, 1));
        Assert.Equal("1 student · 1 following · 0 on their own", cut.Find("[data-testid=room-census]").TextContent);
        Assert.True(cut.Find("[data-testid=room-recall]").HasAttribute("disabled"));
    }

    [Fact]
    public void A_following_student_is_told_so_and_a_branched_one_gets_the_way_back()
    {
        var cut = RenderPanel(RoomRole.Student);
        Assert.StartsWith("Following the teacher", cut.Find("[data-testid=room-status]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=room-back]"));
        Assert.Empty(cut.FindAll("[data-testid=room-start]"));

        cut = RenderPanel(RoomRole.Student, following: false);
        Assert.StartsWith("Following paused", cut.Find("[data-testid=room-status]").TextContent);
        cut.Find("[data-testid=room-back]").Click();
        Assert.Equal(["back"], asked);
    }

    [Fact]
    public void The_teacher_sees_the_gallery_and_a_click_shows_a_photo()
    {
        GalleryPhoto photo = new("abc123", "launch.jpg", "student 4");
        var cut = Render<RoomPanel>(p => p.Add(x => x.Role, RoomRole.Teacher).Add(x => x.Code, "K7MPX2")
            .Add(x => x.Gallery, [photo]).Add(x => x.ShowPhoto, (GalleryPhoto g) => asked.Add($"show {g.Name}")));
        var button = cut.Find("[data-testid=gallery-photo]");
        Assert.Equal("launch.jpg, from student 4", button.GetAttribute("title"));
        Assert.Equal("api/crops/abc123.png", button.QuerySelector("img")!.GetAttribute("src"));
        button.Click();
        Assert.Equal(["show launch.jpg"], asked);
    }

    [Fact]
    public void A_student_with_a_photo_of_his_own_may_hand_it_in_once()
    {
        var cut = Render<RoomPanel>(p => p.Add(x => x.Role, RoomRole.Student).Add(x => x.Code, "K7MPX2").Add(x => x.CanHandIn, true)
            .Add(x => x.HandIn, () => asked.Add("hand in")));
        cut.Find("[data-testid=room-hand-in]").Click();
        Assert.Equal(["hand in"], asked);
        cut.Render(p => p.Add(x => x.HandedIn, true));
        Assert.Empty(cut.FindAll("[data-testid=room-hand-in]"));
        Assert.Equal("Your photo is in the class's gallery.", cut.Find("[data-testid=room-handed-in]").TextContent);
    }
}
