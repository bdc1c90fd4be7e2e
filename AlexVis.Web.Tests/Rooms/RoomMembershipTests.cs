using AlexVis.Model.Network;
using AlexVis.Model.Visualization;
using AlexVis.Web.Extensions;
using AlexVis.Web.Rooms;
using AlexVis.Web.Services;
using AlexVis.Web.State;
using AlexVis.Web.Tests.Support;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AlexVis.Web.Tests.Rooms;

/// <summary>
/// Teacher and students as the app wires them (one scope per circuit, each with its own dispatcher), over the
/// in-memory room bus; images are hand-made traces the shared figures already hold, so no forward is needed.
/// </summary>
public sealed class RoomMembershipTests : IAsyncDisposable
{
    readonly ServiceProvider services;
    readonly RecordingLogger<RoomDirectory> log = new();
    readonly List<Page> pages = [];

    public RoomMembershipTests()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AlexVis:Model:Untrained"] = "true",
            ["AlexVis:Decoding:Workers"] = "1",
            ["AlexVis:Decoding:WorkerPath"] = Path.Combine(AppContext.BaseDirectory, "AlexVis.Web.dll"),
            ["AlexVis:Rooms:MaxStudentsPerRoom"] = "2000",
            ["AlexVis:Rooms:JoinsPerMinute"] = "10000", // every page here joins from the same (no) address
        }).Build();
        services = new ServiceCollection()
            .AddLogging().AddMetrics()
            .AddSingleton<IHostEnvironment>(new TestEnvironment())
            .AddAlexVisCore(configuration)
            .AddSingleton<ILogger<RoomDirectory>>(log)
            .BuildServiceProvider();
    }

    /// <summary>One browser page: a circuit's scope, its dispatcher and the state pieces the page uses.</summary>
    sealed class Page : IAsyncDisposable
    {
        readonly AsyncServiceScope scope;

        public Page(IServiceProvider services)
        {
            scope = services.CreateAsyncScope();
            Dispatcher = Dispatcher.CreateDefault();
            scope.ServiceProvider.GetRequiredService<CircuitThread>().Attach(work => Dispatcher.InvokeAsync(work));
        }

        public Dispatcher Dispatcher { get; }
        public SelectionState Selection => scope.ServiceProvider.GetRequiredService<SelectionState>();
        public ImageLoader Loader => scope.ServiceProvider.GetRequiredService<ImageLoader>();
        public RoomMembership Room => scope.ServiceProvider.GetRequiredService<RoomMembership>();
        public ImageLoader Second => scope.ServiceProvider.GetRequiredService<CompareSlot>().Loader;

        /// <summary>Does something on this page's dispatcher, as its components would.</summary>
        public Task Do(Action action) => Dispatcher.InvokeAsync(action);

        public Task<T> Do<T>(Func<Task<T>> action) => Dispatcher.InvokeAsync(action);

        public ValueTask DisposeAsync() => scope.DisposeAsync();
    }

    Page Open()
    {
        var page = new Page(services);
        pages.Add(page);
        return page;
    }

    /// <summary>The model and the inference queue, for the tests whose pages trace photos.</summary>
    async Task StartNetworkAsync()
    {
        var host = services.GetRequiredService<ModelHost>();
        await host.StartAsync(CancellationToken.None);
        await services.GetRequiredService<InferenceQueue>().StartAsync(CancellationToken.None);
        await host.Ready.WaitAsync(TimeSpan.FromMinutes(1));
    }

    async Task<(Page Teacher, string Code)> StartClass()
    {
        var teacher = Open();
        Assert.Null(await teacher.Do(teacher.Room.StartClassAsync));
        return (teacher, teacher.Room.Code!);
    }

    async Task<Page> Join(string code)
    {
        var student = Open();
        Assert.Null(await student.Do(() => student.Room.JoinAsync(code)));
        return student;
    }

    [Fact]
    public async Task Students_follow_the_teachers_layer_channel_scale_and_colours_and_keep_their_theme()
    {
        var (teacher, code) = await StartClass();
        var student = await Join(code);
        await teacher.Do(() => teacher.Selection.Apply(new Selection(AlexNetLayers.Get("relu3"), 5, ScaleMode.PerLayer, Colormap.Grey)));
        await Wait.Until(() => student.Selection.Current == teacher.Selection.Current, "the student shows relu3, channel 5, layer scale, grey");
        Assert.True(student.Room.Following);
        await Wait.Until(() => teacher.Room.Census == new RoomCensus(1, 1), "the teacher counts one student, following");
    }

    [Fact]
    public async Task The_class_follows_the_teachers_why_method_and_class()
    {
        var (teacher, code) = await StartClass();
        var student = await Join(code);
        await teacher.Do(() => { teacher.Selection.SetWhy(AlexVis.Model.Explanation.ExplainMethod.GradCam); teacher.Selection.SetClass(281); });
        await Wait.Until(() => student.Selection.Current.Why == AlexVis.Model.Explanation.ExplainMethod.GradCam && student.Selection.Current.Class == 281,
            "the student shows Grad-CAM for class 281");
        Assert.True(student.Room.Following);
    }

    [Fact]
    public async Task The_class_follows_the_filters_the_teacher_switches_off_and_back_on()
    {
        var (teacher, code) = await StartClass();
        var student = await Join(code);
        var conv3 = AlexNetLayers.Get("conv3");
        await teacher.Do(() => { teacher.Selection.ToggleOff(AlexNetLayers.Get("relu3"), 17); teacher.Selection.ToggleOff(conv3, 5); });
        await Wait.Until(() => student.Selection.Current.Ablation.Key == "conv3:5,17", "the student's network has conv3 5 and 17 off");
        await teacher.Do(teacher.Selection.RestoreAll);
        await Wait.Until(() => student.Selection.Current.Ablation.IsEmpty, "the student's network is whole again");
        // The room carries the channels as text; one this server cannot read switches nothing off.
        Assert.True(new RoomState(code, 9, null, "conv3", null, default, default, Off: "conv3:999").Selection().Ablation.IsEmpty);
    }

    [Fact]
    public async Task The_class_compares_the_photos_the_teacher_compares_in_the_view_the_teacher_shows()
    {
        await StartNetworkAsync();
        var (teacher, code) = await StartClass();
        var student = await Join(code);
        Assert.Null(await teacher.Do(() => teacher.Loader.LoadSampleAsync("chelsea")));
        await teacher.Do(() => teacher.Selection.SetCompare(CompareView.Difference));
        Assert.Null(await teacher.Do(() => teacher.Second.LoadSampleAsync("coffee")));
        await Wait.Until(() => student.Second.Image?.SampleName == "coffee" && student.Loader.Image?.SampleName == "chelsea"
            && student.Selection.Current.Compare == CompareView.Difference, "the student compares the cat with the coffee, A − B");
        await teacher.Do(() => teacher.Selection.SetCompare(CompareView.B));
        await Wait.Until(() => student.Selection.Current.Compare == CompareView.B, "the student shows B");
        await teacher.Do(() => teacher.Selection.SetCompare(null));
        await Wait.Until(() => student.Selection.Current.Compare is null, "the student shows one photo again");
        Assert.True(student.Room.Following);
    }

    [Fact]
    public async Task A_late_joiner_starts_from_the_current_state_and_the_teachers_photo()
    {
        var (teacher, code) = await StartClass();
        var figures = services.GetRequiredService<Figures>();
        figures.Remember("photo-key", new TraceResult(HandMade.Trace(), "dog.jpg", TimeSpan.Zero, TimeSpan.Zero, 1));
        await teacher.Do(() => { Assert.True(teacher.Loader.TryShowKnown("photo-key", "dog.jpg")); teacher.Selection.SelectLayer(AlexNetLayers.Get("pool5")); });
        await Wait.Until(() => services.GetRequiredService<IRoomBus>().ReadAsync(code).Result?.Layer == "pool5", "the room shows pool5");

        var late = await Join(code);
        await Wait.Until(() => late.Loader.Image?.ContentKey == "photo-key", "the late joiner shows the teacher's photo");
        Assert.Equal("dog.jpg", late.Loader.Image!.Name);
        Assert.Equal("pool5", late.Selection.Current.Layer.Alias);
    }

    [Fact]
    public async Task A_student_who_selects_on_his_own_branches_off_and_comes_back_to_the_latest()
    {
        var (teacher, code) = await StartClass();
        var student = await Join(code);
        await student.Do(() => student.Selection.SelectLayer(AlexNetLayers.Get("fc6")));
        Assert.False(student.Room.Following);
        await Wait.Until(() => teacher.Room.Census == new RoomCensus(1, 0), "the teacher sees one student on his own");

        await teacher.Do(() => teacher.Selection.SelectLayer(AlexNetLayers.Get("conv4")));
        await Task.Delay(200);
        Assert.Equal("fc6", student.Selection.Current.Layer.Alias); // paused: the teacher's change is kept, not shown
        Assert.Equal("conv4", teacher.Selection.Current.Layer.Alias); // the teacher's own page never follows a student

        await student.Dispatcher.InvokeAsync(student.Room.BackToTeacherAsync);
        await Wait.Until(() => student.Selection.Current.Layer.Alias == "conv4", "back on the teacher's conv4");
        Assert.True(student.Room.Following);
        await Wait.Until(() => teacher.Room.Census == new RoomCensus(1, 1), "the teacher sees everyone following");
    }

    [Fact]
    public async Task Bringing_everyone_back_makes_every_student_follow_again()
    {
        var (teacher, code) = await StartClass();
        var students = new[] { await Join(code), await Join(code), await Join(code) };
        foreach (var s in students.Take(2)) await s.Do(() => s.Selection.SelectChannel(9));
        await Wait.Until(() => teacher.Room.Census == new RoomCensus(3, 1), "two students on their own");
        await teacher.Do(() => teacher.Selection.SelectLayer(AlexNetLayers.Get("relu5")));
        Assert.True(await teacher.Do(teacher.Room.BringEveryoneBackAsync));
        await Wait.Until(() => students.All(s => s.Room.Following && s.Selection.Current.Layer.Alias == "relu5"), "everyone back on relu5");
        await Wait.Until(() => teacher.Room.Census == new RoomCensus(3, 3), "the teacher counts everyone following");
    }

    [Fact]
    public async Task A_student_page_calling_the_change_path_is_refused_and_logged()
    {
        var (teacher, code) = await StartClass();
        var student = await Join(code);
        await student.Do(() => student.Selection.SelectLayer(AlexNetLayers.Get("fc8")));
        Assert.False(await student.Do(student.Room.PublishAsync)); // what the teacher's page calls, called by a student's
        Assert.False(await student.Do(student.Room.BringEveryoneBackAsync));
        var state = (await services.GetRequiredService<IRoomBus>().ReadAsync(code))!;
        Assert.Equal("conv1", state.Layer);
        Assert.Contains(log.Entries, e => e.Level == LogLevel.Warning && e.Message.StartsWith($"Refused a change to room {code} from student page "));
    }

    [Fact]
    public async Task A_slow_page_gets_only_the_newest_state_and_holds_nobody_up()
    {
        var (teacher, code) = await StartClass();
        var slow = await Join(code);
        var quick = await Join(code);
        var applied = new List<string>();
        slow.Selection.Changed += () => applied.Add(slow.Selection.Current.Layer.Alias);
        var (busy, release) = (new TaskCompletionSource(), new TaskCompletionSource());
        _ = Task.Run(() => slow.Dispatcher.InvokeAsync(() => { busy.SetResult(); release.Task.Wait(); })); // this browser is busy
        await busy.Task;
        foreach (var layer in AlexNetLayers.Visible.Take(15))
            await teacher.Do(() => teacher.Selection.SelectLayer(layer));
        var last = AlexNetLayers.Visible[14].Alias;
        await Wait.Until(() => quick.Selection.Current.Layer.Alias == last, "the quick page follows at once");
        release.SetResult();
        await Wait.Until(() => slow.Selection.Current.Layer.Alias == last, "the slow page catches up");
        Assert.True(applied.Count <= 2, $"the slow page applied {applied.Count} states: {string.Join(", ", applied)}");
    }

    [Fact]
    public async Task A_student_hands_in_a_photo_and_the_teacher_shows_it_to_the_class()
    {
        await StartNetworkAsync();
        var samples = Path.Combine(Harness.AppServer.RepositoryRoot(), "samples");

        var (teacher, code) = await StartClass();
        var (author, follower) = (await Join(code), await Join(code));
        Assert.False(author.Room.CanHandIn); // nothing of his own yet
        var bytes = await File.ReadAllBytesAsync(Path.Combine(samples, "rocket.jpg"));
        Assert.Null(await author.Do(() => author.Loader.LoadKeptAsync(bytes, "my-rocket.jpg")));
        Assert.False(author.Room.Following); // a photo of his own: he explores on his own
        Assert.True(author.Room.CanHandIn);
        Assert.Null(await author.Do(author.Room.HandInAsync));
        Assert.True(author.Room.HandedIn);

        await Wait.Until(() => teacher.Room.Gallery.Count == 1, "the teacher's page shows the photo handed in");
        var photo = Assert.Single(teacher.Room.Gallery);
        Assert.Equal(("my-rocket.jpg", "student 1"), (photo.Name, photo.From));
        Assert.Null(await teacher.Do(() => teacher.Room.ShowPhotoAsync(photo)));
        Assert.Equal(photo.ContentKey, teacher.Loader.Image!.ContentKey);
        await Wait.Until(() => follower.Loader.Image?.ContentKey == photo.ContentKey, "the class sees the handed-in photo");
        Assert.Equal("my-rocket.jpg", follower.Loader.Image!.Name);
        Assert.False(follower.Room.CanHandIn); // the teacher's photo is not his to hand in
    }

    [Fact]
    public async Task A_thousand_joins_and_leaves_leave_no_subscription_behind()
    {
        var (_, code) = await StartClass();
        var bus = (InMemoryRoomBus)services.GetRequiredService<IRoomBus>();
        var directory = services.GetRequiredService<RoomDirectory>();
        int teachers = bus.SubscriberCount; // the teacher's page listens to the roster
        var weak = new List<WeakReference>();
        for (int i = 0; i < 1000; i++)
        {
            var page = new Page(services);
            Assert.Null(await page.Do(() => page.Room.JoinAsync(code)));
            weak.Add(new WeakReference(page.Room));
            await page.DisposeAsync(); // the circuit ends: its scope disposes the membership
        }
        Assert.Equal(teachers, bus.SubscriberCount);
        Assert.Equal(new RoomCensus(0, 0), await directory.CensusAsync(code));
        // Each page's follower loop ends soon after its circuit, on the thread pool; then nothing holds the page.
        await Wait.Until(() =>
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            return weak.Count(w => w.IsAlive) < 10;
        }, "the 1000 memberships are collected");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var page in pages) await page.DisposeAsync();
        await services.DisposeAsync();
    }

}
