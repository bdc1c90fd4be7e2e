namespace AlexVis.Web.Rooms;

/// <summary>
/// Where rooms live and how their changes reach every page: in memory on one server (the default), or through Redis
/// across several. Two things per room: its state (what the teacher shows; kept under the room's code, and publishing
/// a state with a version no newer than the kept one changes nothing), and its roster (the students in it, whether
/// each follows, and the photos they handed in), so a teacher counts and sees the whole class whichever server each
/// student's page is on.
/// </summary>
public interface IRoomBus
{
    /// <summary>The room's current state, or null when there is no such room (or it has ended).</summary>
    Task<RoomState?> ReadAsync(string code);

    /// <summary>Keeps <paramref name="state"/> if it is newer than the kept one and tells every subscriber; false if it was not newer.</summary>
    Task<bool> PublishAsync(RoomState state);

    /// <summary>Ends a room: its state and roster are forgotten and its subscribers hear no more.</summary>
    Task RemoveAsync(string code);

    /// <summary>Calls <paramref name="onState"/> (on any thread) with every newer state of the room until disposed.</summary>
    IDisposable Subscribe(string code, Action<RoomState> onState);

    /// <summary>Subscriptions open on this server, to states and rosters (the leak test counts them).</summary>
    int SubscriberCount { get; }

    /// <summary>
    /// Puts a student on a room's roster, following; returns the student's number in the room (the first join's,
    /// kept when he joins again), or 0 when the room already has <paramref name="capacity"/> students.
    /// </summary>
    Task<int> JoinAsync(string code, string member, int capacity);

    /// <summary>Takes a student off a room's roster.</summary>
    Task LeaveAsync(string code, string member);

    /// <summary>Records whether a student on the roster follows the teacher.</summary>
    Task SetFollowingAsync(string code, string member, bool following);

    /// <summary>The students on a room's roster, and how many follow.</summary>
    Task<RoomCensus> CensusAsync(string code);

    /// <summary>Adds a photo to a room's gallery within <paramref name="limits"/> (a photo already there is taken again without change).</summary>
    /// <param name="code">The room.</param>
    /// <param name="photo">The photo, its <see cref="GalleryPhoto.From"/> saying who handed it in.</param>
    /// <param name="limits">Photos per room, per student and per minute.</param>
    /// <param name="now">The time, for the per-minute limit.</param>
    Task<HandInOutcome> HandInAsync(string code, GalleryPhoto photo, GalleryLimits limits, DateTimeOffset now);

    /// <summary>The photos handed in to a room, in the order they came.</summary>
    Task<IReadOnlyList<GalleryPhoto>> GalleryAsync(string code);

    /// <summary>Calls <paramref name="onChange"/> (on any thread) when a room's roster or gallery changed, until disposed.</summary>
    IDisposable SubscribeRoster(string code, Action onChange);
}

/// <summary>How many photos a room's gallery takes.</summary>
/// <param name="PerRoom">Photos in the gallery at most.</param>
/// <param name="PerStudent">Photos from one student at most.</param>
/// <param name="PerMinute">Photos handed in within any minute at most.</param>
public sealed record GalleryLimits(int PerRoom, int PerStudent, int PerMinute);

/// <summary>What became of a photo handed in.</summary>
public enum HandInOutcome
{
    /// <summary>In the gallery (or it already was).</summary>
    Taken,
    /// <summary>The gallery is full.</summary>
    RoomFull,
    /// <summary>The student has handed in as many as one may.</summary>
    StudentFull,
    /// <summary>Too many photos in the last minute.</summary>
    TooFast,
}
