using AlexVis.Model.Explanation;
using AlexVis.Model.Inference;
using AlexVis.Model.Network;
using AlexVis.Model.Visualization;
using AlexVis.Web.State;

namespace AlexVis.Web.Rooms;

/// <summary>The image a room shows: a bundled sample by name, or the teacher's upload by content hash.</summary>
/// <param name="ContentKey">Hash of the image's bytes (the shared caches' key).</param>
/// <param name="Name">The file name shown.</param>
/// <param name="SampleName">The bundled sample's name, when it is one (any server can load it).</param>
public sealed record RoomImage(string ContentKey, string Name, string? SampleName)
{
    /// <summary>The room's image for a page's image (null before it has one).</summary>
    public static RoomImage? Of(AlexVis.Web.Services.TracedImage? image) =>
        image is null ? null : new RoomImage(image.ContentKey, image.Name, image.SampleName);
}

/// <summary>The cell the teacher points at: marked on every follower's montage and channel panels.</summary>
/// <param name="Layer">The layer, by alias.</param>
/// <param name="Channel">The channel.</param>
/// <param name="Row">The row in the channel's map.</param>
/// <param name="Column">The column in the channel's map.</param>
public sealed record RoomPointer(string Layer, int Channel, int Row, int Column);

/// <summary>
/// What a room's followers see, as plain values that travel between servers: each change gets the next version,
/// and a receiver applies a state only if its version is newer than the one it has.
/// </summary>
/// <param name="Code">The room's code.</param>
/// <param name="Version">Increases with every change the teacher makes.</param>
/// <param name="Image">The image shown; null before the teacher has one.</param>
/// <param name="Layer">The layer, by alias.</param>
/// <param name="Channel">The open channel, if any.</param>
/// <param name="Scale">The montage's colour scale.</param>
/// <param name="Colormap">The colormap.</param>
/// <param name="Recall">Increases when the teacher brings everyone back: every student follows again.</param>
/// <param name="Pointer">The cell the teacher's mouse is on, if any.</param>
/// <param name="Why">The "why" method the teacher shows, if any.</param>
/// <param name="Class">The class it explains; null for the top-1.</param>
/// <param name="Off">The channels the teacher switched off, as <see cref="Ablation.Key"/>; null for none.</param>
/// <param name="Compare">Which of two photos the teacher shows (A, B or A − B); null when not comparing.</param>
/// <param name="Second">The photo the teacher compares with (B), if any.</param>
public sealed record RoomState(string Code, long Version, RoomImage? Image, string Layer, int? Channel, ScaleMode Scale, Colormap Colormap,
    int Recall = 0, RoomPointer? Pointer = null, ExplainMethod? Why = null, int? Class = null, string? Off = null,
    CompareView? Compare = null, RoomImage? Second = null)
{
    /// <summary>A new room's state: the first layer, nothing open.</summary>
    public static RoomState Initial(string code) => Of(code, 0, null, AlexVis.Web.State.Selection.Initial, 0);

    /// <summary>A room state from a teacher's selection and images (the pointer stays only while it is on the same layer).</summary>
    public static RoomState Of(string code, long version, RoomImage? image, Selection selection, int recall, RoomPointer? pointer = null,
        RoomImage? second = null) =>
        new(code, version, image, selection.Layer.Alias, selection.Channel, selection.Scale, selection.Colormap, recall,
            pointer?.Layer == selection.Layer.Alias ? pointer : null, selection.Why, selection.Class,
            selection.Ablation.IsEmpty ? null : selection.Ablation.Key, selection.Compare, selection.Compare is null ? null : second);

    /// <summary>The selection a follower applies (an unknown layer, from a newer server, falls back to the first).</summary>
    public Selection Selection() =>
        new AlexVis.Web.State.Selection(AlexNetLayers.Find(Layer) ?? AlexNetLayers.Visible[0], null, Scale, Colormap, Why,
            Class is int k && k >= 0 && k < AlexNetLayers.ClassCount ? k : null, Ablated(), Compare).WithChannel(Channel);

    // A key this server cannot read (from a newer one) switches nothing off rather than failing the room.
    Ablation? Ablated()
    {
        if (Off is null) return null;
        try
        {
            return Ablation.Parse(Off);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
