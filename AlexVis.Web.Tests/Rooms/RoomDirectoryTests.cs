using AlexVis.Web.Options;
using AlexVis.Web.Rooms;
using AlexVis.Web.Tests.Support;
using Microsoft.Extensions.Logging;

namespace AlexVis.Web.Tests.Rooms;

public class RoomDirectoryTests
{
    readonly InMemoryRoomBus bus = new();
    readonly ManualClock clock = new();
    readonly RecordingLogger<RoomDirectory> log = new();
    readonly RoomDirectory directory;

    public RoomDirectoryTests() => directory = new RoomDirectory(bus,
        Microsoft.Extensions.Options.Options.Create(new AlexVisOptions { Rooms = { MaxRooms = 3, MaxStudentsPerRoom = 2, IdleExpiry = TimeSpan.FromMinutes(30) } }),
        clock, log, Words.For<RoomDirectory>());

    int addresses;

    /// <summary>A join from an address of its own (the rate limit is tested on its own).</summary>
    Task<RoomJoin> Join(string? code, string member) => directory.JoinAsync(code, member, $"10.0.0.{++addresses}");

    [Fact]
    public async Task Joins_from_one_address_are_limited_per_minute_and_others_are_not()
    {
        var limited = new RoomDirectory(bus,
            Microsoft.Extensions.Options.Options.Create(new AlexVisOptions { Rooms = { JoinsPerMinute = 3 } }), clock, log, Words.For<RoomDirectory>());
        var (code, _) = (await limited.StartAsync())!.Value;
        Assert.StartsWith("There is no class", (await limited.JoinAsync("ABCDEF", "s0", "192.0.2.7")).Error); // a guess counts too
        Assert.Null((await limited.JoinAsync(code, "s1", "192.0.2.7")).Error);
        Assert.Null((await limited.JoinAsync(code, "s2", "192.0.2.7")).Error);
        var refused = await limited.JoinAsync(code, "s3", "192.0.2.7");
        Assert.Equal("Too many attempts to join a class from this device: wait a minute and try again.", refused.Error);
        Assert.Contains(log.Entries, e => e.Level == LogLevel.Warning && e.Message == "Refused a join from 192.0.2.7: more than 3 attempts in a minute");
        Assert.Null((await limited.JoinAsync(code, "s4", "192.0.2.8")).Error);
    }

    [Fact]
    public async Task A_class_gets_a_six_character_code_without_0_O_1_or_I_and_a_128_bit_teacher_key()
    {
        var codes = new HashSet<string>();
        for (int i = 0; i < 3; i++)
        {
            var (code, key) = (await directory.StartAsync())!.Value;
            Assert.Matches("^[A-HJ-NP-Z2-9]{6}$", code);
            Assert.Equal(32, key.Length); // 16 random bytes in hex
            Assert.True(codes.Add(code));
            Assert.Equal(1, (await bus.ReadAsync(code))!.Version);
        }
        Assert.Null(await directory.StartAsync()); // MaxRooms = 3
        Assert.Contains(log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("3 rooms are open"));
    }

    [Theory]
    [InlineData(" k7m-px2 ", "K7MPX2")]
    [InlineData("K7MPX2", "K7MPX2")]
    [InlineData("K7MPX", null)]    // too short
    [InlineData("K7MPXO", null)]   // O is not in the alphabet
    [InlineData(null, null)]
    public void Typed_codes_are_forgiving_about_case_spaces_and_dashes(string? typed, string? code) =>
        Assert.Equal(code, RoomDirectory.Normalise(typed));

    [Fact]
    public async Task Wrong_unknown_and_full_rooms_are_clear_messages()
    {
        var (code, _) = (await directory.StartAsync())!.Value;
        Assert.Equal("'hello' is not a class code: codes have 6 letters and digits, like K7MPX2.", (await Join("hello", "s0")).Error);
        Assert.Equal("There is no class with the code ABCDEF: it may have ended. Ask your teacher for the code, or explore on your own.",
            (await Join("abcdef", "s0")).Error);
        Assert.Null((await Join(code, "s1")).Error);
        Assert.Null((await Join(code.ToLowerInvariant(), "s2")).Error);
        Assert.Null((await Join(code, "s2")).Error); // the same page again (a reconnect) is no new student
        Assert.Equal($"Class {code} is full (2 students). Explore on your own, or ask your teacher.", (await Join(code, "s3")).Error);
        Assert.Equal(new RoomCensus(2, 2), await directory.CensusAsync(code));
    }

    [Fact]
    public async Task Only_the_teacher_key_changes_a_room_and_a_forged_change_is_logged()
    {
        var (code, key) = (await directory.StartAsync())!.Value;
        Assert.False(await directory.DriveAsync(code, "0123456789abcdef0123456789abcdef", s => s with { Layer = "fc8" }, "student page 42"));
        Assert.False(await directory.DriveAsync(code, null, s => s with { Layer = "fc8" }, "student page 43"));
        Assert.Equal("conv1", (await bus.ReadAsync(code))!.Layer);
        Assert.Contains(log.Entries, e => e.Level == LogLevel.Warning && e.Message == $"Refused a change to room {code} from student page 42: it does not hold the teacher's key");

        Assert.True(await directory.DriveAsync(code, key, s => s with { Layer = "fc8", Version = 99 }, "the teacher"));
        var state = (await bus.ReadAsync(code))!;
        Assert.Equal(("fc8", 2L), (state.Layer, state.Version)); // the version is the directory's, not the caller's
    }

    [Fact]
    public async Task Idle_rooms_end_and_their_codes_stop_working()
    {
        var (idle, _) = (await directory.StartAsync())!.Value;
        var (busy, key) = (await directory.StartAsync())!.Value;
        clock.Advance(TimeSpan.FromMinutes(20));
        Assert.True(await directory.DriveAsync(busy, key, s => s with { Channel = 3 }, "the teacher"));
        clock.Advance(TimeSpan.FromMinutes(20));
        await directory.SweepAsync();
        Assert.Null(await bus.ReadAsync(idle));
        Assert.StartsWith("There is no class with the code", (await Join(idle, "s")).Error);
        Assert.Null((await Join(busy, "s")).Error);
        Assert.Equal(1, directory.Count);
    }

    [Fact]
    public async Task The_census_counts_who_follows_and_who_has_branched_off_and_ends_with_the_room()
    {
        var (code, key) = (await directory.StartAsync())!.Value;
        var changes = 0;
        using var _ = bus.SubscribeRoster(code, () => changes++);
        await Join(code, "a");
        await Join(code, "b");
        await directory.SetFollowingAsync(code, "b", false);
        Assert.Equal(new RoomCensus(2, 1), await directory.CensusAsync(code));
        Assert.Equal(1, (await directory.CensusAsync(code)).Branched);
        await directory.LeaveAsync(code, "a");
        Assert.Equal(new RoomCensus(1, 0), await directory.CensusAsync(code));
        Assert.Equal(4, changes);
        Assert.True(await directory.EndAsync(code, key));
        Assert.Equal(new RoomCensus(0, 0), await directory.CensusAsync(code));
    }

    [Fact]
    public async Task The_gallery_takes_photos_within_its_limits_and_says_who_handed_them_in()
    {
        var limited = new RoomDirectory(bus, Microsoft.Extensions.Options.Options.Create(new AlexVisOptions
        {
            Rooms = { MaxPhotosPerRoom = 4, MaxPhotosPerStudent = 2, PhotosPerMinute = 3 },
        }), clock, log, Words.For<RoomDirectory>());
        var (code, _) = (await limited.StartAsync())!.Value;
        var numbers = new List<int>();
        foreach (var s in new[] { "a", "b", "c" }) numbers.Add((await limited.JoinAsync(code, s, s)).Number);
        Assert.Equal([1, 2, 3], numbers);
        var gallery = 0;
        using var _ = bus.SubscribeRoster(code, () => gallery++);
        RoomImage Photo(int i) => new($"key{i}", $"photo{i}.jpg", null);

        Assert.Null(await limited.HandInAsync(code, 1, Photo(1)));
        Assert.Null(await limited.HandInAsync(code, 1, Photo(1))); // the same photo again: already there
        Assert.Null(await limited.HandInAsync(code, 1, Photo(2)));
        Assert.Equal("You have handed in 2 photos, as many as one student may.", await limited.HandInAsync(code, 1, Photo(3)));
        Assert.Null(await limited.HandInAsync(code, 2, Photo(3)));
        Assert.Equal("The class is handing in many photos at once: try again in a minute.", await limited.HandInAsync(code, 2, Photo(4)));
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await limited.HandInAsync(code, 2, Photo(4)));
        Assert.Equal("The class's gallery is full (4 photos).", await limited.HandInAsync(code, 3, Photo(5)));

        Assert.Equal([new GalleryPhoto("key1", "photo1.jpg", "student 1"), new GalleryPhoto("key2", "photo2.jpg", "student 1"),
            new GalleryPhoto("key3", "photo3.jpg", "student 2"), new GalleryPhoto("key4", "photo4.jpg", "student 2")], await limited.GalleryAsync(code));
        Assert.Equal(4, gallery);
    }
}
