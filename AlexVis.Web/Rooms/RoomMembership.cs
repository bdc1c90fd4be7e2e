using Microsoft.Extensions.Localization;
using System.Threading.Channels;
using AlexVis.Web.Services;
using AlexVis.Web.State;

namespace AlexVis.Web.Rooms;

/// <summary>What a page is in a room.</summary>
public enum RoomRole
{
    /// <summary>Exploring alone.</summary>
    None,
    /// <summary>Leads a room: its selection and image are the room's.</summary>
    Teacher,
    /// <summary>In a room: follows the teacher until branching off.</summary>
    Student,
}

/// <summary>
/// One page's part in a room (one per circuit). A teacher's selection and image become the room's state; a student's
/// page applies the room's states, newest only (one waiting state that a newer one replaces, so one slow browser
/// holds nobody else up), on the circuit's dispatcher, until the student makes a selection of his own ("following
/// paused"); "back to the teacher" applies the latest state again. The theme stays the student's.
/// </summary>
public sealed class RoomMembership : IDisposable
{
    readonly RoomDirectory directory;
    readonly IRoomBus bus;
    readonly SelectionState selection;
    readonly ImageLoader loader;
    readonly ImageLoader second;
    readonly CircuitThread circuit;
    readonly ILogger<RoomMembership> logger;
    readonly IStringLocalizer<RoomMembership> say;
    readonly ClientAddress address;
    readonly IRoomPhotos photos;
    (TracedImage Image, byte[] Bytes)? ownUpload;
    readonly string member = Guid.NewGuid().ToString("N");
    // The newest state not yet applied (one place: an older state never replaces a newer one, whatever order the
    // bus delivers them in), and a wake-up for the pump.
    RoomState? pending;
    readonly Channel<bool> wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true,
    });
    readonly CancellationTokenSource lifetime = new();
    string? teacherKey;
    IDisposable? subscription;
    IDisposable? rosterSubscription;
    int number;
    RoomCensus? census;
    IReadOnlyList<GalleryPhoto> gallery = [];
    long rosterReads, rosterShown;
    RoomState? latest;
    int seenRecall;
    bool applying;
    int disposed;

    /// <summary>Creates a membership in no room.</summary>
    public RoomMembership(RoomDirectory directory, IRoomBus bus, IRoomPhotos photos, SelectionState selection, ImageLoader loader,
        CompareSlot compare, CircuitThread circuit, ClientAddress address, ILogger<RoomMembership> logger, IStringLocalizer<RoomMembership> say)
    {
        this.say = say;
        second = compare.Loader;
        this.address = address;
        this.photos = photos;
        this.directory = directory;
        this.bus = bus;
        this.selection = selection;
        this.loader = loader;
        this.circuit = circuit;
        this.logger = logger;
    }

    /// <summary>Raised (on the circuit's dispatcher) when anything shown about the room changed.</summary>
    public event Action? Changed;

    /// <summary>Raised with a message for the student about the room (the teacher's photo could not be shown).</summary>
    public event Action<string>? Problem;

    /// <summary>Teacher, student, or neither.</summary>
    public RoomRole Role { get; private set; }

    /// <summary>The room's code, in a room.</summary>
    public string? Code { get; private set; }

    /// <summary>A student's page follows the teacher's (false once the student branched off).</summary>
    public bool Following { get; private set; }

    /// <summary>For the teacher: who is in the class.</summary>
    public RoomCensus? Census => Role == RoomRole.Teacher ? census ?? new RoomCensus(0, 0) : null;

    /// <summary>Opens a room led by this page; returns a message when the server cannot open one.</summary>
    public async Task<string?> StartClassAsync()
    {
        if (Role != RoomRole.None) return null;
        if (await directory.StartAsync() is not var (code, key))
            return say["NoRoomFree"];
        Lead(code, key);
        OnTeacherChanged();
        Changed?.Invoke();
        return null;
    }

    /// <summary>The teacher key of the class this page leads (the page keeps it for a reload); null otherwise.</summary>
    public string? TeacherKey => Role == RoomRole.Teacher ? teacherKey : null;

    /// <summary>
    /// A teacher's reloaded page takes its class back with the key it kept: it shows the room's current state (the
    /// class sees no jump) and leads from there. Returns a message when the class has ended or the key is not its.
    /// </summary>
    public async Task<string?> ResumeTeachingAsync(string code, string key)
    {
        if (Role != RoomRole.None) return null;
        if (!directory.Leads(code, key) || await bus.ReadAsync(code) is not { } state)
            return say["Ended", code];
        await ShowRoomStateAsync(state);
        published = (RoomImage.Of(loader.Image), selection.Current, Compared);
        Lead(code, key);
        _ = ReadRosterAsync();
        Changed?.Invoke();
        return null;
    }

    // From now on this page's selection and image are the room's, and the roster is shown here.
    void Lead(string code, string key)
    {
        (Role, Code, teacherKey) = (RoomRole.Teacher, code, key);
        selection.Changed += OnTeacherChanged;
        loader.Changed += OnTeacherChanged;
        loader.Uploaded += OnUploaded;
        second.Changed += OnTeacherChanged;
        second.Uploaded += OnSecondUploaded;
        rosterSubscription = bus.SubscribeRoster(code, OnRoster);
    }

    /// <summary>Joins a room as a student; returns a message naming the problem when the code is wrong, expired or the class full.</summary>
    public async Task<string?> JoinAsync(string? code)
    {
        if (Role != RoomRole.None) return Code == RoomDirectory.Normalise(code) ? null : say["AlreadyInClass"].Value;
        var join = await directory.JoinAsync(code, member, address.Value);
        if (join.Error is { } error) return error;
        (Role, Code, Following, number) = (RoomRole.Student, join.State!.Code, true, join.Number);
        seenRecall = join.State.Recall;
        subscription = bus.Subscribe(Code, Offer);
        selection.Changed += OnStudentSelection;
        loader.Changed += OnStudentImage;
        loader.Uploaded += OnUploaded;
        Offer(join.State); // a late joiner starts from the current state at once
        // A change published between the join's read and the subscription: read again, now that nothing is missed.
        if (await bus.ReadAsync(Code) is { } now) Offer(now);
        _ = Task.Run(PumpAsync);
        Changed?.Invoke();
        return null;
    }

    /// <summary>A student who branched off follows the teacher again, from the latest state.</summary>
    public Task BackToTeacherAsync()
    {
        if (Role != RoomRole.Student || Following) return Task.CompletedTask;
        Follow(true);
        var state = latest;
        latest = null;
        return state is null ? Task.CompletedTask : ApplyAsync(state);
    }

    /// <summary>The teacher brings every student who branched off back to the teacher's view.</summary>
    public Task<bool> BringEveryoneBackAsync() =>
        Role == RoomRole.Teacher && Code is { } code
            ? directory.DriveAsync(code, teacherKey, s => s with { Recall = s.Recall + 1 }, Who)
            : Task.FromResult(false);

    // This page, as a refused change names it in the log.
    string Who => Role == RoomRole.Teacher ? "the teacher's page" : $"student page {member[..8]}";

    /// <summary>
    /// The change path: makes the room show this page's selection and image. It needs the teacher's key, which only
    /// the teacher's page holds; from a student's page it is refused by the directory (and logged).
    /// </summary>
    public Task<bool> PublishAsync()
    {
        if (Code is not { } code) return Task.FromResult(false);
        var (image, current, compared) = (RoomImage.Of(loader.Image), selection.Current, Compared);
        return directory.DriveAsync(code, teacherKey, s => RoomState.Of(code, s.Version, image, current, s.Recall, s.Pointer, compared), Who);
    }

    (RoomImage?, AlexVis.Web.State.Selection, RoomImage?)? published;

    // The teacher's second photo, while the teacher compares two.
    RoomImage? Compared => selection.Current.Compare is null ? null : RoomImage.Of(second.Image);

    /// <summary>For a following student: the cell the teacher points at, if any.</summary>
    public RoomPointer? Pointer => Role == RoomRole.Student && Following ? latest?.Pointer : null;

    /// <summary>The teacher points at a cell (null: at nothing); the class sees it marked. Refused for anyone else.</summary>
    public Task<bool> PointAsync(RoomPointer? pointer) =>
        Code is { } code
            ? directory.DriveAsync(code, teacherKey, s => s with { Pointer = pointer }, Who)
            : Task.FromResult(false);

    // Only what the class sees: a busy line on the teacher's page is no change of the room.
    void OnTeacherChanged()
    {
        var shown = (RoomImage.Of(loader.Image), selection.Current, Compared);
        if (Equals(shown, published)) return;
        published = shown;
        _ = PublishAsync();
    }

    // The teacher's second photo, when an upload, is kept for the class like the first.
    void OnSecondUploaded(TracedImage image, byte[] bytes)
    {
        if (Role == RoomRole.Teacher) _ = photos.KeepAsync(image.ContentKey, bytes);
    }

    // The teacher's uploads are kept for the class (a page without the trace traces the same bytes); a student's
    // own upload is kept here until he hands it in.
    void OnUploaded(TracedImage image, byte[] bytes)
    {
        if (Role == RoomRole.Teacher) _ = photos.KeepAsync(image.ContentKey, bytes);
        else if (!applying) ownUpload = (image, bytes); // not the teacher's photo traced here again
        Changed?.Invoke();
    }

    /// <summary>For a student: whether the photo on the page is his own upload, which he may hand in to the class's gallery.</summary>
    public bool CanHandIn => Role == RoomRole.Student && ownUpload is { } own && loader.Image?.ContentKey == own.Image.ContentKey;

    /// <summary>A student hands in the photo on his page; returns a message when the gallery does not take it.</summary>
    public async Task<string?> HandInAsync()
    {
        if (!CanHandIn || Code is not { } code || ownUpload is not var (image, bytes)) return say["UploadFirst"];
        await photos.KeepAsync(image.ContentKey, bytes);
        var problem = await directory.HandInAsync(code, number, new RoomImage(image.ContentKey, image.Name, null));
        if (problem is null) handedIn.Add(image.ContentKey);
        Changed?.Invoke();
        return problem;
    }

    readonly HashSet<string> handedIn = [];

    /// <summary>For a student: whether the photo on the page has been handed in.</summary>
    public bool HandedIn => loader.Image is { } image && handedIn.Contains(image.ContentKey);

    /// <summary>For the teacher: the photos the class handed in.</summary>
    public IReadOnlyList<GalleryPhoto> Gallery => Role == RoomRole.Teacher ? gallery : [];

    /// <summary>
    /// The photos the class handed in, for anyone in the room (the ranked-photos panel): the teacher's page has them
    /// from the roster it follows; a student's page reads them when asked, so forty students do not each follow the roster.
    /// </summary>
    public async Task<IReadOnlyList<GalleryPhoto>> ClassPhotosAsync() => Role switch
    {
        RoomRole.Teacher => gallery,
        RoomRole.Student when Code is { } code => await directory.GalleryAsync(code),
        _ => [],
    };

    /// <summary>A handed-in photo's bytes, or null once it has expired.</summary>
    public Task<byte[]?> PhotoBytesAsync(string contentKey) => photos.ReadAsync(contentKey);

    /// <summary>The teacher shows a handed-in photo to everyone (it becomes the teacher's image); returns a message when it is gone.</summary>
    public async Task<string?> ShowPhotoAsync(GalleryPhoto photo)
    {
        if (Role != RoomRole.Teacher) return null;
        return await ShowKeptAsync(loader, new RoomImage(photo.ContentKey, photo.Name, null));
    }

    // A photo that is no sample: its trace if this server still holds it, else its kept bytes traced again.
    // The room's photo on this page, and the photo the teacher compares it with in this page's second slot; a photo
    // that cannot be shown is said to the student.
    async Task ShowRoomImagesAsync(RoomState state)
    {
        foreach (var (into, image) in new[] { (loader, state.Image), (second, state.Second) })
            if (image is not null && into.Image?.ContentKey != image.ContentKey
                && await (image.SampleName is { } sample ? into.LoadSampleAsync(sample) : ShowKeptAsync(into, image)) is { } problem)
                Problem?.Invoke(problem);
    }

    async Task<string?> ShowKeptAsync(ImageLoader into, RoomImage image)
    {
        if (into.TryShowKnown(image.ContentKey, image.Name)) return null;
        return await photos.ReadAsync(image.ContentKey) is { } bytes
            ? await into.LoadKeptAsync(bytes, image.Name)
            : say["PhotoGone", image.Name];
    }

    // The roster changed (on this server or another): read it, and show it on this page's dispatcher. Reads overlap
    // when changes come quickly; a read's answer is shown only if no later read's answer was shown before it.
    void OnRoster() => _ = ReadRosterAsync();

    async Task ReadRosterAsync()
    {
        if (Code is not { } code) return;
        long read = Interlocked.Increment(ref rosterReads);
        try
        {
            var (c, g) = (await directory.CensusAsync(code), await directory.GalleryAsync(code));
            await circuit.RunAsync(() =>
            {
                if (read <= rosterShown) return;
                (rosterShown, census, gallery) = (read, c, g);
                Changed?.Invoke();
            });
        }
        catch (Exception e) when (e is ObjectDisposedException or StackExchange.Redis.RedisException or TimeoutException)
        {
            // The circuit ended, or Redis is unreachable for now: the next change reads the roster again.
            logger.LogDebug(e, "The roster of room {Code} could not be read", code);
        }
    }

    /// <summary>Keeps a state for the pump unless a newer one is already waiting.</summary>
    void Offer(RoomState state)
    {
        while (true)
        {
            var waiting = Volatile.Read(ref pending);
            if (waiting is not null && waiting.Version >= state.Version) return;
            if (Interlocked.CompareExchange(ref pending, state, waiting) == waiting) break;
        }
        wake.Writer.TryWrite(true);
    }

    async Task PumpAsync()
    {
        try
        {
            await foreach (var _ in wake.Reader.ReadAllAsync(lifetime.Token))
            {
                if (Interlocked.Exchange(ref pending, null) is not { } state) continue;
                try
                {
                    await circuit.RunAsync(() => ApplyAsync(state));
                }
                catch (Exception e) when (e is not (OperationCanceledException or ObjectDisposedException))
                {
                    // One state that could not be applied does not end following: the next one is applied as usual.
                    logger.LogError(e, "Applying version {Version} of room {Code} failed", state.Version, Code);
                }
            }
        }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { } // the circuit ended while a state was on its way
    }

    /// <summary>Applies a newer room state if this student follows (a recall makes him follow again).</summary>
    async Task ApplyAsync(RoomState state)
    {
        if (latest is not null && state.Version <= latest.Version) return;
        latest = state;
        if (state.Recall > seenRecall)
        {
            seenRecall = state.Recall;
            if (!Following) Follow(true);
        }
        if (!Following)
        {
            Changed?.Invoke();
            return;
        }
        await ShowRoomStateAsync(state);
        Changed?.Invoke();
    }

    // The room's selection and photos shown here; while they are, this page's own changes are not the student's.
    async Task ShowRoomStateAsync(RoomState state)
    {
        applying = true;
        try
        {
            selection.Apply(state.Selection());
            await ShowRoomImagesAsync(state);
        }
        finally
        {
            applying = false;
        }
    }

    // A selection of the student's own: following pauses (the room's changes are kept, not shown).
    void OnStudentSelection()
    {
        if (!applying && Following) Follow(false);
    }

    // A photo of the student's own (a sample or an upload) pauses following too.
    void OnStudentImage()
    {
        if (!applying && Following && loader.Image is { } image && image.ContentKey != latest?.Image?.ContentKey && loader.Busy is null)
            Follow(false);
    }

    void Follow(bool following)
    {
        Following = following;
        if (Code is { } code) Tell(directory.SetFollowingAsync(code, member, following), "following");
        Changed?.Invoke();
    }

    // The roster is told without waiting (a page does not wait for Redis); a failure is logged, not lost.
    void Tell(Task change, string what) => change.ContinueWith(
        t => logger.LogWarning(t.Exception, "Room {Code} could not be told of a student's {What}", Code, what),
        CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    /// <summary>Leaves the room: no more states, and the teacher's census counts one fewer.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1) return;
        lifetime.Cancel();
        wake.Writer.TryComplete();
        subscription?.Dispose();
        selection.Changed -= OnTeacherChanged;
        loader.Changed -= OnTeacherChanged;
        second.Changed -= OnTeacherChanged;
        second.Uploaded -= OnSecondUploaded;
        selection.Changed -= OnStudentSelection;
        loader.Changed -= OnStudentImage;
        loader.Uploaded -= OnUploaded;
        rosterSubscription?.Dispose();
        if (Role == RoomRole.Student && Code is { } code) Tell(directory.LeaveAsync(code, member), "leaving");
        lifetime.Dispose();
    }
}
