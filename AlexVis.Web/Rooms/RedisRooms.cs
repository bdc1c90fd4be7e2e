using System.Text.Json;
using AlexVis.Web.Options;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AlexVis.Web.Rooms;

/// <summary>
/// Rooms across several servers: each room's state is a Redis key (JSON, expiring after the room's idle time) and
/// every change is published on one channel; each server subscribes once and tells its own pages. A state is kept
/// and published only if its version is newer than the kept one, checked inside Redis (one script), so two servers
/// never disagree on a room's latest state. Not the SignalR backplane: that carries hub messages, not Blazor circuits.
/// </summary>
public sealed class RedisRoomBus : IRoomBus
{
    const string Channel = "alexvis:rooms";

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
    readonly RoomSubscribers subscribers = new();
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
            if (Parse(message.Message) is { } state) subscribers.Tell(state);
        });
    }

    static RedisKey Key(string code) => $"alexvis:room:{code}";

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
        await db.KeyDeleteAsync(Key(code));
        subscribers.Remove(code);
    }

    /// <inheritdoc />
    public IDisposable Subscribe(string code, Action<RoomState> onState) => subscribers.Add(code, onState);

    /// <inheritdoc />
    public int SubscriberCount => subscribers.Count;
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
