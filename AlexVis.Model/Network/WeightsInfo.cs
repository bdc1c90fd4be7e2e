namespace AlexVis.Model.Network;

/// <summary>Whether the network carries trained weights.</summary>
public enum WeightsKind
{
    /// <summary>ImageNet weights from a file.</summary>
    Pretrained,
    /// <summary>torchvision's default initialisation after manual_seed(0): deterministic, but untrained.</summary>
    Untrained,
}

/// <summary>Where the model's weights came from, for banners, logs and the CLI.</summary>
/// <param name="Kind">Pretrained or untrained.</param>
/// <param name="Path">The file the weights were read from, when pretrained.</param>
/// <param name="Origin">How the file was found: configured, torch hub cache, AlexVis cache, downloaded.</param>
/// <param name="Reason">Why the model is untrained, in words a teacher can act on.</param>
/// <param name="Problems">Candidates that were tried and rejected on the way, each with its reason.</param>
public sealed record WeightsInfo(WeightsKind Kind, string? Path, string Origin, string? Reason, IReadOnlyList<string> Problems)
{
    /// <summary>The CLI's machine-readable form: <c>pretrained:&lt;path&gt;</c> or <c>untrained:&lt;reason&gt;</c>.</summary>
    public string Describe() => Kind == WeightsKind.Pretrained ? $"pretrained:{Path}" : $"untrained:{Reason}";

    /// <summary>True when the weights are trained.</summary>
    public bool IsPretrained => Kind == WeightsKind.Pretrained;
}
