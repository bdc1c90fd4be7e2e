using System.Reflection;

namespace AlexVis.Model.Labels;

/// <summary>The 1000 ImageNet class names in torchvision's order (torchvision.models._meta._IMAGENET_CATEGORIES).</summary>
public static class ImageNetClasses
{
    static readonly Lazy<IReadOnlyList<string>> names = new(Load);

    /// <summary>Class names indexed by class number.</summary>
    public static IReadOnlyList<string> Names => names.Value;

    static IReadOnlyList<string> Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("AlexVis.Model.Labels.imagenet_classes.txt")
            ?? throw new InvalidOperationException("The ImageNet class list is missing from AlexVis.Model.");
        using var reader = new StreamReader(stream);
        var list = new List<string>(1000);
        while (reader.ReadLine() is { } line)
            if (line.Length > 0) list.Add(line);
        if (list.Count != 1000)
            throw new InvalidOperationException($"The embedded ImageNet class list has {list.Count} names, not 1000.");
        return list;
    }
}
