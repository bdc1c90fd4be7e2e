using System.Text.RegularExpressions;
using System.Xml.Linq;
using AlexVis.Harness;
using AlexVis.Model.Network;

namespace AlexVis.Web.Tests.Localization;

/// <summary>
/// Every word has both languages and is used: each <c>X.resx</c> (English) beside a component or class has an
/// <c>X.zh-CN.resx</c> with the same keys, no empty value and the same {0}, {1} … placeholders; every key is used by
/// the files it sits beside; and every key those files ask for exists.
/// </summary>
public class ResourcesTests
{
    static readonly string root = AppServer.RepositoryRoot();

    /// <summary>Every English resource file of the web app and the model, relative to the repository.</summary>
    public static TheoryData<string> Files() => new(Paths());

    static List<string> Paths()
    {
        var data = new List<string>();
        foreach (var project in new[] { "AlexVis.Web", "AlexVis.Model" })
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, project), "*.resx", SearchOption.AllDirectories)
                         .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
                         .Where(f => Path.GetFileNameWithoutExtension(f).Split('.').Length == 1)
                         .Order())
                data.Add(Path.GetRelativePath(root, file));
        return data;
    }

    static Dictionary<string, string> Read(string path) =>
        XDocument.Load(path).Root!.Elements("data").ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "");

    static string[] Placeholders(string text) =>
        Regex.Matches(text, @"\{(\d+)\}").Select(m => m.Groups[1].Value).Distinct().Order().ToArray();

    [Fact]
    public void Both_projects_have_resources() => Assert.True(Paths().Count >= 25, $"{Paths().Count} resource files");

    [Theory]
    [MemberData(nameof(Files))]
    public void Each_key_has_both_languages_with_the_same_placeholders(string file)
    {
        var english = Read(Path.Combine(root, file));
        var chinesePath = Path.Combine(root, Path.ChangeExtension(file, ".zh-CN.resx"));
        Assert.True(File.Exists(chinesePath), $"{file} has no zh-CN twin");
        var chinese = Read(chinesePath);
        Assert.Empty(english.Keys.Except(chinese.Keys)); // missing in Chinese
        Assert.Empty(chinese.Keys.Except(english.Keys)); // missing in English
        foreach (var (key, text) in english)
        {
            Assert.False(string.IsNullOrWhiteSpace(text), $"{file}: {key} is empty in English");
            Assert.False(string.IsNullOrWhiteSpace(chinese[key]), $"{file}: {key} is empty in Chinese");
            Assert.True(Placeholders(text).SequenceEqual(Placeholders(chinese[key])),
                $"{file}: {key} has placeholders {{{string.Join(",", Placeholders(text))}}} in English and {{{string.Join(",", Placeholders(chinese[key]))}}} in Chinese");
        }
        if (!file.Contains("LayerNotes") && !file.Contains("ResxMudLocalizer"))
            Assert.Contains(chinese.Values, v => Regex.IsMatch(v, @"\p{IsCJKUnifiedIdeographs}")); // translated, not copied
    }

    // The files whose code asks for a resource file's keys: the component or class beside it, and for the page's
    // shared module's words (PlotsInterop) the panels' modules that write them.
    static IEnumerable<string> Users(string file)
    {
        var stem = Path.Combine(root, Path.ChangeExtension(file, null));
        foreach (var ext in new[] { ".razor", ".cs", ".razor.cs" })
            if (File.Exists(stem + ext)) yield return stem + ext;
        if (Path.GetFileName(stem) == "PlotsInterop")
            foreach (var js in Directory.EnumerateFiles(Path.Combine(root, "AlexVis.Web"), "*.js", SearchOption.AllDirectories)
                         .Where(f => !f.Contains("/bin/") && !f.Contains("/obj/")))
                yield return js;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_key_is_used_and_every_key_asked_for_exists(string file)
    {
        var keys = Read(Path.Combine(root, file)).Keys.ToHashSet();
        if (file.EndsWith("LayerNotes.resx"))
        {
            // The Model's notes are asked for by layer alias.
            Assert.Equal(AlexNetLayers.All.Select(l => l.Alias).Order(), keys.Order());
            return;
        }
        if (file.EndsWith("ResxMudLocalizer.resx"))
        {
            // MudBlazor asks for its own keys: each must be one of MudBlazor's.
            var mud = new System.Resources.ResourceManager("MudBlazor.Resources.LanguageResource", typeof(MudBlazor.MudAlert).Assembly);
            foreach (var key in keys) Assert.False(mud.GetString(key, System.Globalization.CultureInfo.InvariantCulture) is null, $"MudBlazor has no key {key}");
            return;
        }
        var users = Users(file).ToArray();
        Assert.NotEmpty(users);
        var code = string.Concat(users.Select(File.ReadAllText));
        foreach (var key in keys)
            Assert.True(code.Contains($"\"{key}\"") || code.Contains($"'{key}'"), $"{file}: {key} is never used");
        foreach (var key in Asked(code)) Assert.True(keys.Contains(key), $"{file}: {key} is asked for but missing");
    }

    /// <summary>The keys code asks for: <c>L["Key"</c> or <c>say["Key"</c> in C#, <c>say('Key'</c> and <c>say(c ? 'A' : 'B'</c> in the modules.</summary>
    static IEnumerable<string> Asked(string code) =>
        Regex.Matches(code, @"\b(?:L|say)\[""([A-Za-z0-9_]+)""").Select(m => m.Groups[1].Value)
            .Concat(Regex.Matches(code, @"\bsay\('([A-Za-z0-9_]+)'").Select(m => m.Groups[1].Value))
            .Concat(Regex.Matches(code, @"\bsay\([^()']*\?\s*'([A-Za-z0-9_]+)'\s*:\s*'([A-Za-z0-9_]+)'").SelectMany(m => new[] { m.Groups[1].Value, m.Groups[2].Value }))
            .Distinct();

    [Fact]
    public void Every_form_of_asking_is_seen()
    {
        var code = "@L[\"Razor\"] say[\"Service\", name] say('Module', 1) say(names ? 'Either' : 'Or') L[c == 1 ? \"One\" : \"Many\"]";
        Assert.Equal(["Razor", "Service", "Module", "Either", "Or"], Asked(code).ToArray());
    }
}
