using System.Globalization;
using System.Text;

namespace AlexVis.Model.Imaging;

/// <summary>A file name someone else chose, made safe to show and to log.</summary>
public static class DisplayName
{
    /// <summary>Longest name kept; longer ones are cut with an ellipsis.</summary>
    public const int MaxLength = 120;

    /// <summary>
    /// The name with every control, line or paragraph separator and bidirectional-override character written as
    /// <c>\uXXXX</c>, so a name cannot forge log lines or reorder what a teacher reads, and cut to
    /// <see cref="MaxLength"/> characters.
    /// </summary>
    public static string Of(string name)
    {
        var text = new StringBuilder(Math.Min(name.Length, MaxLength + 8));
        foreach (var c in name)
        {
            if (text.Length >= MaxLength)
            {
                text.Append('…');
                break;
            }
            // Format covers the bidirectional overrides and zero-width characters.
            if (char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Format)
                text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            else text.Append(c);
        }
        return text.ToString();
    }
}
