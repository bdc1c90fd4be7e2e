using System.Text.Json;
using AlexVis.Web.Options;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AlexVis.Web.Rooms;

/// <summary>
/// Rooms across several servers: each room's state is a Redis key (JSON, expiring after the room's idle time) and
/// every change is published on one channel; each server subscribes once and tells its own pages. A state is kept
/// and published only if its version is newer than the kept one, checked inside Redis (one script), so two servers
/// never disagree on a room's latest state. The roster is a hash of students (following or not), their numbers and
/// the gallery, each change made by one script (limits checked inside Redis, so two servers cannot both take the
/// last photo) and announced on a second channel. Not the SignalR backplane: that carries hub messages, not Blazor
/// circuits.
/// </summary>
public sealed class RedisRoomBus : IRoomBus
{
    const string Channel = "alexvis:rooms";
    const string RosterChannel = "alexvis:rosters";

    // KEYS: members, numbers, joined. ARGV: member, capacity, lifetime ms, channel, code.
    const string JoinScript = """
        if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
        redis.call('HSET', KEYS[1], ARGV[1], '1')
        local number = redis.call('HGET', KEYS[2], ARGV[1])
        if not number then
          number = redis.call('INCR', KEYS[3])
          redis.call('HSET', KEYS[2], ARGV[1], number)
        end
        for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
        redis.call('PUBLISH', ARGV[4], ARGV[5])
        return tonumber(number)
        """;

    // KEYS: members. ARGV: member, '1'/'0' (following) or '' (leaving), channel, code.
    const string MemberScript = """
        local was = redis.call('HGET', KEYS[1], ARGV[1])
        if not was or was == ARGV[2] then return 0 end
        if ARGV[2] == '' then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
        redis.call('PUBLISH', ARGV[3], ARGV[4])
        return 1
        """;

    // KEYS: photos, handed. ARGV: photo JSON, content key, from, per room, per student, per minute, now ms, lifetime ms,
    // channel, code. Returns the HandInOutcome's number.
    const string HandInScript = """
        local photos = redis.call('LRANGE', KEYS[1], 0, -1)
        local mine = 0
        for _, json in ipairs(photos) do
          local photo = cjson.decode(json)
          if photo['ContentKey'] == ARGV[2] then return 0 end
          if photo['From'] == ARGV[3] then mine = mine + 1 end
        end
        if #photos >= tonumber(ARGV[4]) then return 1 end
        if mine >= tonumber(ARGV[5]) then return 2 end
        redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', tonumber(ARGV[7]) - 60000)
        if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[6]) then return 3 end
        redis.call('ZADD', KEYS[2], ARGV[7], ARGV[2])
        redis.call('RPUSH', KEYS[1], ARGV[1])
        for i = 1, 2 do redis.call('PEXPIRE', KEYS[i], ARGV[8]) end
        redis.call('PUBLISH', ARGV[9], ARGV[10])
        return 0
        """;

    // Keep-if-newer and publish, atomically.
    const string PublishScript = """
        local kept = redis.call('GET', KEYS[1])
        if kept and cjson.decode(kept)['Version'] >= tonumber(ARGV[2]) then return 0 end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
        redis.call('PUBLISH', ARGV[4], ARGV[1])
        return 1
        """;

    readonly IDatabase db;
    readonly TimeSpan lifetime;
    readonly RoomSubscribers<RoomState> subscribers = new();
    readonly RoomSubscribers<bool> rosterSubscribers = new();
    readonly ILogger<RedisRoomBus> logger;

    /// <summary>Connects the bus to Redis and subscribes this server to every room's changes.</summary>
    public RedisRoomBus(IConnectionMultiplexer redis, IOptions<AlexVisOptions> options, ILogger<RedisRoomBus> logger)
    {
        db = redis.GetDatabase();
        lifetime = options.Value.Rooms.IdleExpiry;
        this.logger = logger;
        // A message queue, not a plain handler: StackExchange.Redis runs plain handlers concurrently, so a newer state
        // could be told before an older one; the queue tells them in the order Redis published them.
        redis.GetSubscriber().Subscribe(RedisChannel.Literal(Channel)).OnMessage(message =>
        {
            if (Parse(message.Message) is { } state) subscribers.Tell(state.Code, state);
        });
        redis.GetSubscriber().Subscribe(RedisChannel.Literal(RosterChannel)).OnMessage(message =>
            rosterSubscribers.Tell(message.Message.ToString(), true));
    }

    static RedisKey Key(string code) => $"alexvis:room:{code}";

    // A room's roster keys share a hash tag ({code}): a script may touch them together on a Redis cluster too.
    static RedisKey RosterKey(string code, string part) => $"alexvis:roster:{{{code}}}:{part}";

    static readonly string[] RosterParts = ["members", "numbers", "joined", "photos", "handed"];

    long LifetimeMs => (long)lifetime.TotalMilliseconds;

    RoomState? Parse(RedisValue json)
    {
        if (json.IsNullOrEmpty) return null;
        try
        {
            return JsonSerializer.Deserialize<RoomState>(json.ToString());
        }
        catch (JsonException e)
        {
            logger.LogWarning(e, "A room state in Redis could not be read");
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<RoomState?> ReadAsync(string code) => Parse(await db.StringGetAsync(Key(code)));

    /// <inheritdoc />
    public async Task<bool> PublishAsync(RoomState state)
    {
        var json = JsonSerializer.Serialize(state);
        var kept = await db.ScriptEvaluateAsync(PublishScript, [Key(state.Code)],
            [json, state.Version, (long)lifetime.TotalMilliseconds, Channel]);
        return (long)kept == 1;
    }

    /// <inheritdoc />
    public async Task RemoveAsync(string code)
    {
        await db.KeyDeleteAsync([Key(code), .. RosterParts.Select(p => RosterKey(code, p))]);
        subscribers.Remove(code);
        rosterSubscribers.Remove(code);
    }

    /// <inheritdoc />
    public IDisposable Subscribe(string code, Action<RoomState> onState) => subscribers.Add(code, onState);

    /// <inheritdoc />
    public int SubscriberCount => subscribers.Count + rosterSubscribers.Count;

    /// <inheritdoc />
    public async Task<int> JoinAsync(string code, string member, int capacity) =>
        (int)(long)await db.ScriptEvaluateAsync(JoinScript,
            [RosterKey(code, "members"), RosterKey(code, "numbers"), RosterKey(code, "joined")],
            [member, capacity, LifetimeMs, RosterChannel, code]);

    /// <inheritdoc />
    public Task LeaveAsync(string code, string member) => ChangeMemberAsync(code, member, "");

    /// <inheritdoc />
    public Task SetFollowingAsync(string code, string member, bool following) => ChangeMemberAsync(code, member, following ? "1" : "0");

    Task ChangeMemberAsync(string code, string member, string value) =>
        db.ScriptEvaluateAsync(MemberScript, [RosterKey(code, "members")], [member, value, RosterChannel, code]);

    /// <inheritdoc />
    public async Task<RoomCensus> CensusAsync(string code)
    {
        var members = await db.HashValuesAsync(RosterKey(code, "members"));
        return new RoomCensus(members.Length, members.Count(v => v == "1"));
    }

    /// <inheritdoc />
    public async Task<HandInOutcome> HandInAsync(string code, GalleryPhoto photo, GalleryLimits limits, DateTimeOffset now) =>
        (HandInOutcome)(int)(long)await db.ScriptEvaluateAsync(HandInScript,
            [RosterKey(code, "photos"), RosterKey(code, "handed")],
            [JsonSerializer.Serialize(photo), photo.ContentKey, photo.From, limits.PerRoom, limits.PerStudent, limits.PerMinute,
             now.ToUnixTimeMilliseconds(), LifetimeMs, RosterChannel, code]);

    /// <inheritdoc />
    public async Task<IReadOnlyList<GalleryPhoto>> GalleryAsync(string code)
    {
        var photos = await db.ListRangeAsync(RosterKey(code, "photos"));
        return [.. photos.Select(p => JsonSerializer.Deserialize<GalleryPhoto>(p.ToString())!)];
    }

    /// <inheritdoc />
    public IDisposable SubscribeRoster(string code, Action onChange) => rosterSubscribers.Add(code, _ => onChange());
}

/// <summary>Room photos in Redis, by content hash, each kept for the room's idle time after its last use: any server can trace them.</summary>
public sealed class RedisRoomPhotos(IConnectionMultiplexer redis, IOptions<AlexVisOptions> options) : IRoomPhotos
{
    readonly IDatabase db = redis.GetDatabase();

    static RedisKey Key(string contentKey) => $"alexvis:photo:{contentKey}";

    /// <inheritdoc />
    public Task KeepAsync(string contentKey, byte[] bytes) => db.StringSetAsync(Key(contentKey), bytes, options.Value.Rooms.IdleExpiry);

    /// <inheritdoc />
    public async Task<byte[]?> ReadAsync(string contentKey) =>
        (byte[]?)await db.StringGetSetExpiryAsync(Key(contentKey), options.Value.Rooms.IdleExpiry);
}
