using Microsoft.Extensions.Localization;

namespace AlexVis.Web.Localization;

/// <summary>
/// Who brought a photo to a ranking or a class's gallery. The value is kept as a fixed word (a room counts a
/// student's photos by it, across servers) and said in the reader's language only when shown.
/// </summary>
public sealed class PhotoFrom
{
    PhotoFrom() { } // its words are its resources (IStringLocalizer<PhotoFrom>); it has no instances

    /// <summary>A bundled sample.</summary>
    public const string Sample = "sample";

    /// <summary>The student's own upload.</summary>
    public const string You = "you";

    const string StudentPrefix = "student ";

    /// <summary>Student <paramref name="number"/> of a class.</summary>
    public static string Student(int number) => StudentPrefix + number;

    /// <summary>Who brought the photo, in the current UI culture.</summary>
    public static string Say(string from, IStringLocalizer<PhotoFrom> words) => from switch
    {
        Sample => words["Sample"],
        You => words["You"],
        _ when from.StartsWith(StudentPrefix, StringComparison.Ordinal) => words["Student", from[StudentPrefix.Length..]],
        _ => from,
    };
}
