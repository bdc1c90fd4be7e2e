namespace AlexVis.Web.Components;

/// <summary>One cell of a layer's maps: a channel, and a row and column of its map.</summary>
/// <param name="Channel">The channel.</param>
/// <param name="Row">The row.</param>
/// <param name="Column">The column.</param>
public sealed record MapCell(int Channel, int Row, int Column);

/// <summary>The versions of two compared photos, A and B, whose values a hover shows beside the drawn one.</summary>
/// <param name="A">Photo A's version.</param>
/// <param name="B">Photo B's version.</param>
public sealed record ComparedVersions(long A, long B);

/// <summary>What a layer's montage shows, for its text alternative: the range and where the largest value is.</summary>
/// <param name="Min">The layer's smallest value.</param>
/// <param name="Max">Its largest value.</param>
/// <param name="Channel">The channel of the largest value.</param>
/// <param name="Row">Its row.</param>
/// <param name="Column">Its column.</param>
public sealed record MapSummary(float Min, float Max, int Channel, int Row, int Column);
