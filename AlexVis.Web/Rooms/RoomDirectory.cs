using Microsoft.Extensions.Localization;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Threading.RateLimiting;
using AlexVis.Web.Options;
using Microsoft.Extensions.Options;

namespace AlexVis.Web.Rooms;

/// <summary>How many students a room has, and how many of them follow the teacher right now.</summary>
/// <param name="Connected">Students in the room.</param>
/// <param name="Following">Students whose page follows the teacher's.</param>
public sealed record RoomCensus(int Connected, int Following)
{
    /// <summary>Students who have branched off to explore on their own.</summary>
    public int Branched => Connected - Following;
}

/// <summary>A photo a student handed in to the class's gallery.</summary>
/// <param name="ContentKey">Hash of its bytes (its crop is at api/crops/{key}.png while its trace is kept).</param>
/// <param name="Name">Its file name.</param>
/// <param name="From">Who handed it in ("student 3": students are numbered as they join).</param>
public sealed record GalleryPhoto(string ContentKey, string Name, string From);

/// <summary>A join's answer: the room's state and the student's number, or a message for the student.</summary>
/// <param name="State">The room's current state (a late joiner starts from it).</param>
/// <param name="Error">Why the student could not join.</param>
/// <param name="Number">The student's number in the room (the gallery says "student 3" rather than a name).</param>
public sealed record RoomJoin(RoomState? State, string? Error, int Number = 0);

/// <summary>
/// The rooms this server runs: their codes, their teachers' keys (only a hash is kept), the limits, and idle rooms'
/// end; who is in each room and what they handed in is the bus's roster, so with a shared bus (Redis) a student whose
/// page is on another server is counted and seen by the teacher too. Changing a room needs its teacher key, checked
/// here on the server whatever a page sends.
/// </summary>
public sealed class RoomDirectory(IRoomBus bus, IOptions<AlexVisOptions> options, TimeProvider time, ILogger<RoomDirectory> logger,
    IStringLocalizer<RoomDirectory> say)
{
    /// <summary>The characters of a room code: no 0/O or 1/I, which a class misreads from a projector.</summary>
    public const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /// <summary>Characters in a room code.</summary>
    public const int CodeLength = 6;

    readonly RoomOptions limits = options.Value.Rooms;
    readonly ConcurrentDictionary<string, Room> rooms = new();

    // ASP.NET Core's rate limiting primitives, one fixed window per client address: guessing codes costs the guesser.
    readonly PartitionedRateLimiter<string> joins = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.Rooms.JoinsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
        }));

    /// <summary>Rooms led from this server.</summary>
    public int Count => rooms.Count;

    /// <summary>A code as typed by a student, in the canonical form (upper case, without spaces or dashes); null if it cannot be one.</summary>
    public static string? Normalise(string? typed)
    {
        if (typed is null) return null;
        var code = new string(typed.Where(c => !char.IsWhiteSpace(c) && c != '-').ToArray()).ToUpperInvariant();
        return code.Length == CodeLength && code.All(Alphabet.Contains) ? code : null;
    }

    /// <summary>Opens a room: its code and the teacher's key (128 random bits, given only to the teacher's page); null with a reason when the server has no room left.</summary>
    public async Task<(string Code, string TeacherKey)?> StartAsync()
    {
        await SweepAsync();
        if (Count >= limits.MaxRooms)
        {
            logger.LogWarning("A class could not start: {Rooms} rooms are open, the most this server runs", Count);
            return null;
        }
        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        while (true)
        {
            var code = new string(RandomNumberGenerator.GetItems<char>(Alphabet, CodeLength));
            // A code no server uses (rooms may be shared with other servers through the bus).
            if (await bus.ReadAsync(code) is not null || !rooms.TryAdd(code, new Room(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(key)), time.GetUtcNow()))) continue;
            await bus.PublishAsync(RoomState.Initial(code) with { Version = 1 });
            logger.LogInformation("Room {Code} started", code);
            return (code, key);
        }
    }

    /// <summary>Adds a student to a room; the answer carries the room's current state, or why not.</summary>
    /// <param name="typed">The code as given.</param>
    /// <param name="member">The joining page.</param>
    /// <param name="address">The client's address: joins are rate-limited per address.</param>
    public async Task<RoomJoin> JoinAsync(string? typed, string member, string address)
    {
        using (var lease = joins.AttemptAcquire(address))
        {
            if (!lease.IsAcquired)
            {
                logger.LogWarning("Refused a join from {Address}: more than {Limit} attempts in a minute", address, limits.JoinsPerMinute);
                return new(null, say["TooManyJoins"]);
            }
        }
        await SweepAsync();
        if (Normalise(typed) is not { } code)
            return new(null, say["NotACode", typed ?? "", CodeLength]);
        if (await bus.ReadAsync(code) is not { } state)
            return new(null, say["NoSuchClass", code]);
        // The room may be led from another server sharing the bus: the roster is the bus's, whichever server leads.
        int number = await bus.JoinAsync(code, member, limits.MaxStudentsPerRoom);
        if (number == 0)
            return new(null, say["Full", code, limits.MaxStudentsPerRoom]);
        if (rooms.TryGetValue(code, out var room)) room.Touch(time.GetUtcNow());
        return new(state, null, number);
    }

    /// <summary>Takes a student out of a room (the page closed, or the student left).</summary>
    public Task LeaveAsync(string code, string member) => bus.LeaveAsync(code, member);

    /// <summary>Records whether a student follows the teacher or has branched off.</summary>
    public Task SetFollowingAsync(string code, string member, bool following) => bus.SetFollowingAsync(code, member, following);

    /// <summary>Who is in a room now, on every server.</summary>
    public Task<RoomCensus> CensusAsync(string code) => bus.CensusAsync(code);

    /// <summary>
    /// Changes a room, if <paramref name="teacherKey"/> is its teacher's: the change gets the next version and goes to
    /// every follower. Anyone else's attempt is refused and logged (a page's UI never offers it; a forged call can).
    /// </summary>
    /// <param name="code">The room.</param>
    /// <param name="teacherKey">The key the caller holds.</param>
    /// <param name="change">The new state from the kept one (its version is set here).</param>
    /// <param name="who">Who asks, for the log.</param>
    public async Task<bool> DriveAsync(string code, string? teacherKey, Func<RoomState, RoomState> change, string who)
    {
        if (!rooms.TryGetValue(code, out var room) || !room.Holds(teacherKey))
        {
            logger.LogWarning("Refused a change to room {Code} from {Who}: it does not hold the teacher's key", code, who);
            return false;
        }
        room.Touch(time.GetUtcNow());
        for (int attempt = 0; attempt < 8; attempt++)
        {
            if (await bus.ReadAsync(code) is not { } kept) return false;
            if (await bus.PublishAsync(change(kept) with { Code = code, Version = kept.Version + 1 })) return true;
        }
        return false;
    }

    /// <summary>
    /// Adds a student's photo to the room's gallery, within the limits (per room, per student, per minute); returns
    /// a message for the student when it is not taken.
    /// </summary>
    /// <param name="code">The room.</param>
    /// <param name="number">The student's number in the room (from his join).</param>
    /// <param name="photo">The photo.</param>
    public async Task<string?> HandInAsync(string code, int number, RoomImage photo)
    {
        var outcome = await bus.HandInAsync(code, new GalleryPhoto(photo.ContentKey, photo.Name, Localization.PhotoFrom.Student(number)),
            new GalleryLimits(limits.MaxPhotosPerRoom, limits.MaxPhotosPerStudent, limits.PhotosPerMinute), time.GetUtcNow());
        return outcome switch
        {
            HandInOutcome.Taken => null,
            HandInOutcome.RoomFull => say["GalleryFull", limits.MaxPhotosPerRoom].Value,
            HandInOutcome.StudentFull => say["StudentFull", limits.MaxPhotosPerStudent],
            _ => say["HandInRate"],
        };
    }

    /// <summary>The photos handed in to a room, in order, from every server.</summary>
    public Task<IReadOnlyList<GalleryPhoto>> GalleryAsync(string code) => bus.GalleryAsync(code);

    /// <summary>Whether <paramref name="teacherKey"/> leads the room <paramref name="code"/> from this server (a teacher's reloaded page taking its class back).</summary>
    public bool Leads(string code, string teacherKey)
    {
        if (!rooms.TryGetValue(code, out var room) || !room.Holds(teacherKey)) return false;
        room.Touch(time.GetUtcNow());
        return true;
    }

    /// <summary>Ends a room, if <paramref name="teacherKey"/> is its teacher's.</summary>
    public async Task<bool> EndAsync(string code, string? teacherKey)
    {
        if (!rooms.TryGetValue(code, out var room) || !room.Holds(teacherKey)) return false;
        rooms.TryRemove(code, out _);
        await bus.RemoveAsync(code);
        logger.LogInformation("Room {Code} ended by its teacher", code);
        return true;
    }

    /// <summary>Ends the rooms nobody has driven or joined for <see cref="RoomOptions.IdleExpiry"/>.</summary>
    public async Task SweepAsync()
    {
        var now = time.GetUtcNow();
        foreach (var (code, room) in rooms)
        {
            if (now - room.LastActive < limits.IdleExpiry || !rooms.TryRemove(new(code, room))) continue;
            await bus.RemoveAsync(code);
            logger.LogInformation("Room {Code} ended after {Idle} without activity", code, limits.IdleExpiry);
        }
    }

    // A room led from this server: the teacher key's hash, and when it was last driven or joined.
    sealed class Room(byte[] keyHash, DateTimeOffset started)
    {
        long lastActive = started.UtcTicks;

        public DateTimeOffset LastActive => new(Interlocked.Read(ref lastActive), TimeSpan.Zero);

        public void Touch(DateTimeOffset now) => Interlocked.Exchange(ref lastActive, now.UtcTicks);

        // Compared in constant time: how long a refusal takes says nothing about the key.
        public bool Holds(string? key) =>
            key is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(key)), keyHash);
    }
}
