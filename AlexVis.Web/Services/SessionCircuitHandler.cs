using AlexVis.Web.Rooms;
using AlexVis.Web.State;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace AlexVis.Web.Services;

/// <summary>
/// Ends the student's image loading (queued work, upload tokens: the photo and the one compared with) and room
/// membership when the circuit closes. The circuit's services are disposed in reverse order of
/// creation and the disposal stops at the first one that throws (a library's JS-backed service whose page has
/// gone, say); the soak benchmark found 2 of 444 sessions outliving their students that way. A circuit handler
/// runs before that disposal and does not depend on it.
/// </summary>
public sealed class SessionCircuitHandler(ImageLoader loader, CompareSlot compare, RoomMembership room) : CircuitHandler
{
    /// <inheritdoc />
    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        // All idempotent: the scope's own disposal may still come.
        room.Dispose();
        loader.Dispose();
        compare.Dispose();
        return Task.CompletedTask;
    }
}
