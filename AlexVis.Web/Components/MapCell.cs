namespace AlexVis.Web.Components;

/// <summary>One cell of a layer's maps: a channel, and a row and column of its map.</summary>
/// <param name="Channel">The channel.</param>
/// <param name="Row">The row.</param>
/// <param name="Column">The column.</param>
public sealed record MapCell(int Channel, int Row, int Column);
