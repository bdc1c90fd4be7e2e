using AlexVis.Model.Network;
using TorchSharp;

namespace AlexVis.Model.Tests.Network;

public class NativeLoadTests
{
    [Fact]
    public void Libtorch_loads_and_computes_on_this_machine()
    {
        TorchRuntime.Initialise(2);
        using var scope = torch.NewDisposeScope();
        var x = torch.arange(1, 5, dtype: torch.float32).reshape(2, 2);
        Assert.Equal(54f, x.matmul(x).sum().item<float>()); // [[1,2],[3,4]]² = [[7,10],[15,22]]
    }
}
