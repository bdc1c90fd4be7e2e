using System.Collections.Concurrent;

namespace AlexVis.Web.Rooms;

/// <summary>Rooms on one server: states and rosters in dictionaries, changes told to the subscribers directly (the default; nothing to install).</summary>
public sealed class InMemoryRoomBus : IRoomBus
{
    readonly ConcurrentDictionary<string, RoomState> states = new();
    readonly ConcurrentDictionary<string, Roster> rosters = new();
    readonly RoomSubscribers<RoomState> subscribers = new();
    readonly RoomSubscribers<bool> rosterSubscribers = new();

    /// <inheritdoc />
    public Task<RoomState?> ReadAsync(string code) => Task.FromResult(states.TryGetValue(code, out var s) ? s : null);

    /// <inheritdoc />
    public Task<bool> PublishAsync(RoomState state)
    {
        while (true)
        {
            if (states.TryGetValue(state.Code, out var kept))
            {
                if (state.Version <= kept.Version) return Task.FromResult(false);
                if (!states.TryUpdate(state.Code, state, kept)) continue; // another change came first: compare again
            }
            else if (!states.TryAdd(state.Code, state)) continue;
            break;
        }
        subscribers.Tell(state.Code, state);
        return Task.FromResult(true);
    }

    /// <inheritdoc />
    public Task RemoveAsync(string code)
    {
        states.TryRemove(code, out _);
        rosters.TryRemove(code, out _);
        subscribers.Remove(code);
        rosterSubscribers.Remove(code);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public IDisposable Subscribe(string code, Action<RoomState> onState) => subscribers.Add(code, onState);

    /// <inheritdoc />
    public int SubscriberCount => subscribers.Count + rosterSubscribers.Count;

    /// <inheritdoc />
    public Task<int> JoinAsync(string code, string member, int capacity)
    {
        var roster = rosters.GetOrAdd(code, _ => new Roster());
        int number;
        lock (roster)
        {
            if (!roster.Members.ContainsKey(member) && roster.Members.Count >= capacity) return Task.FromResult(0);
            roster.Members[member] = true;
            if (!roster.Numbers.TryGetValue(member, out number)) roster.Numbers[member] = number = roster.Numbers.Count + 1;
        }
        rosterSubscribers.Tell(code, true);
        return Task.FromResult(number);
    }

    /// <inheritdoc />
    public Task LeaveAsync(string code, string member)
    {
        if (rosters.TryGetValue(code, out var roster) && Change(roster, r => r.Members.Remove(member)))
            rosterSubscribers.Tell(code, true);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task SetFollowingAsync(string code, string member, bool following)
    {
        if (rosters.TryGetValue(code, out var roster)
            && Change(roster, r =>
            {
                if (!r.Members.TryGetValue(member, out var was) || was == following) return false;
                r.Members[member] = following;
                return true;
            }))
            rosterSubscribers.Tell(code, true);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<RoomCensus> CensusAsync(string code)
    {
        if (!rosters.TryGetValue(code, out var roster)) return Task.FromResult(new RoomCensus(0, 0));
        lock (roster) return Task.FromResult(new RoomCensus(roster.Members.Count, roster.Members.Values.Count(f => f)));
    }

    /// <inheritdoc />
    public Task<HandInOutcome> HandInAsync(string code, GalleryPhoto photo, GalleryLimits limits, DateTimeOffset now)
    {
        var roster = rosters.GetOrAdd(code, _ => new Roster());
        lock (roster)
        {
            if (roster.Photos.Any(p => p.ContentKey == photo.ContentKey)) return Task.FromResult(HandInOutcome.Taken);
            if (roster.Photos.Count >= limits.PerRoom) return Task.FromResult(HandInOutcome.RoomFull);
            if (roster.Photos.Count(p => p.From == photo.From) >= limits.PerStudent) return Task.FromResult(HandInOutcome.StudentFull);
            roster.HandedIn.RemoveAll(t => now - t >= TimeSpan.FromMinutes(1));
            if (roster.HandedIn.Count >= limits.PerMinute) return Task.FromResult(HandInOutcome.TooFast);
            roster.HandedIn.Add(now);
            roster.Photos.Add(photo);
        }
        rosterSubscribers.Tell(code, true);
        return Task.FromResult(HandInOutcome.Taken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<GalleryPhoto>> GalleryAsync(string code)
    {
        if (!rosters.TryGetValue(code, out var roster)) return Task.FromResult<IReadOnlyList<GalleryPhoto>>([]);
        lock (roster) return Task.FromResult<IReadOnlyList<GalleryPhoto>>([.. roster.Photos]);
    }

    /// <inheritdoc />
    public IDisposable SubscribeRoster(string code, Action onChange) => rosterSubscribers.Add(code, _ => onChange());

    static bool Change(Roster roster, Func<Roster, bool> change)
    {
        lock (roster) return change(roster);
    }

    // One room's students (member → following), their numbers, and the gallery; guarded by locking the roster.
    sealed class Roster
    {
        public Dictionary<string, bool> Members { get; } = [];

        public Dictionary<string, int> Numbers { get; } = [];

        public List<GalleryPhoto> Photos { get; } = [];

        public List<DateTimeOffset> HandedIn { get; } = [];
    }
}
