using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace AlexVis.Web.Localization;

/// <summary>
/// The page's two languages, English and Simplified Chinese: the browser's Accept-Language picks one the first time,
/// the app bar's switch stores the choice in ASP.NET Core's culture cookie. Blazor Server fixes a circuit's culture
/// when the circuit starts, so the switch reloads the page.
/// </summary>
public static class Languages
{
    /// <summary>The cultures offered, the default first.</summary>
    public static IReadOnlyList<CultureInfo> All { get; } = [CultureInfo.GetCultureInfo("en"), CultureInfo.GetCultureInfo("zh-CN")];

    /// <summary>A language's name in itself, for the switch.</summary>
    public static string Endonym(CultureInfo culture) => culture.Name == "zh-CN" ? "中文" : "English";

    /// <summary>The offered culture called <paramref name="name"/> (<c>en</c>, <c>zh-CN</c>), or null.</summary>
    public static CultureInfo? Find(string? name) =>
        All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>True when the current UI culture is an offered language other than English (the page is translated).</summary>
    public static bool Translated => Find(CultureInfo.CurrentUICulture.Name) is { } language && language != All[0];

    /// <summary>The request localization: the cookie first, then Accept-Language, else English.</summary>
    public static RequestLocalizationOptions Options()
    {
        var options = new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(All[0]),
            SupportedCultures = All.ToList(),
            SupportedUICultures = All.ToList(),
        };
        // The providers name an offered culture exactly (a browser's zh-Hans-CN is mapped to zh-CN by the second).
        options.RequestCultureProviders = [new CookieRequestCultureProvider(), new SimplifiedChineseProvider()];
        return options;
    }

    /// <summary>
    /// Stores the chosen language in the culture cookie and goes back to the page (<c>/culture/zh-CN?back=/explore</c>);
    /// only this site's own pages are gone back to.
    /// </summary>
    public static IEndpointRouteBuilder MapLanguageSwitch(this IEndpointRouteBuilder app)
    {
        app.MapGet("/culture/{name}", (string name, string? back, HttpContext http) =>
        {
            if (Find(name) is not { } culture) return Results.NotFound();
            http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { MaxAge = TimeSpan.FromDays(365), IsEssential = true, SameSite = SameSiteMode.Lax, Path = "/" });
            return Results.LocalRedirect(back is { Length: > 0 } && back[0] == '/' && !back.StartsWith("//") && !back.StartsWith("/\\") ? back : "/");
        });
        return app;
    }

    /// <summary>
    /// Accept-Language, where a browser's Chinese (zh, zh-Hans, zh-Hans-CN, zh-SG) is taken as Simplified Chinese;
    /// Traditional Chinese (zh-TW, zh-HK, zh-Hant) is not, and gets English.
    /// </summary>
    sealed class SimplifiedChineseProvider : AcceptLanguageHeaderRequestCultureProvider
    {
        public override async Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
        {
            if (await base.DetermineProviderCultureResult(httpContext) is not { } result) return null;
            foreach (var segment in result.UICultures)
            {
                var tag = segment.Value ?? "";
                if (tag.StartsWith("en", StringComparison.OrdinalIgnoreCase)) return new ProviderCultureResult("en");
                if (IsSimplifiedChinese(tag)) return new ProviderCultureResult("zh-CN");
            }
            return null;
        }

        static bool IsSimplifiedChinese(string tag)
        {
            var t = tag.ToLowerInvariant();
            return t is "zh" or "zh-cn" or "zh-sg" || t.StartsWith("zh-hans");
        }
    }
}
