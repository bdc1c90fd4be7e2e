using AlexVis.Web.Options;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace AlexVis.Web.Rooms;

/// <summary>
/// Photos a room shows that are not bundled samples (the teacher's uploads, the class's gallery), kept by content
/// hash for as long as a room may stay idle, so a page that does not hold the trace can trace the same bytes
/// (the same libtorch gives the same numbers). In memory on one server; through Redis across several.
/// </summary>
public interface IRoomPhotos
{
    /// <summary>Keeps a photo's bytes under its content hash.</summary>
    Task KeepAsync(string contentKey, byte[] bytes);

    /// <summary>A kept photo's bytes, or null once it has expired.</summary>
    Task<byte[]?> ReadAsync(string contentKey);
}

/// <summary>
/// Room photos in this server's memory (Microsoft.Extensions.Caching.Memory): as many as every room may hold, each
/// kept for <see cref="RoomOptions.IdleExpiry"/> after its last use.
/// </summary>
public sealed class InMemoryRoomPhotos(IOptions<AlexVisOptions> options) : IRoomPhotos, IDisposable
{
    readonly MemoryCache photos = new(new MemoryCacheOptions
    {
        SizeLimit = options.Value.Rooms.MaxRooms * (options.Value.Rooms.MaxPhotosPerRoom + 4L),
    });

    /// <inheritdoc />
    public Task KeepAsync(string contentKey, byte[] bytes)
    {
        photos.Set(contentKey, bytes, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = options.Value.Rooms.IdleExpiry });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<byte[]?> ReadAsync(string contentKey) => Task.FromResult(photos.TryGetValue(contentKey, out byte[]? bytes) ? bytes : null);

    /// <inheritdoc />
    public void Dispose() => photos.Dispose();
}
