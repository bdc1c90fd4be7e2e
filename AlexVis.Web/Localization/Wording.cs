using Microsoft.Extensions.Localization;

namespace AlexVis.Web.Localization;

/// <summary>Chooses between a message the Model or a service wrote in English and its translation.</summary>
public static class Wording
{
    /// <summary>
    /// In English, <paramref name="english"/>: the Model's and the decoder's own messages say more than a translation
    /// per kind can (which JPEG feature, how many pixels). In another language, <paramref name="translated"/>.
    /// </summary>
    public static string Prefer(string english, LocalizedString translated) =>
        Languages.Translated ? translated.Value : english;
}
