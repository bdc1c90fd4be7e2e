using AlexVis.Web.State;

namespace AlexVis.Web.Tests.State;

public class ThemeStateTests
{
    [Fact]
    public void Choosing_the_theme_shown_raises_nothing_and_a_new_one_raises_once()
    {
        var theme = new ThemeState();
        int changes = 0;
        theme.Changed += () => changes++;
        theme.SetDark(false);
        Assert.Equal(0, changes);
        theme.SetDark(true);
        theme.SetDark(true);
        Assert.True(theme.Dark);
        Assert.Equal(1, changes);
    }
}
