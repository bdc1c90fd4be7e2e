using AlexVis.Model.Network;

namespace AlexVis.Model.Tests.Support;

/// <summary>One seed-0 AlexNet shared by the tests of a collection (building one takes about a second).</summary>
public sealed class UntrainedModel : IDisposable
{
    public UntrainedModel()
    {
        TorchRuntime.Initialise(2);
        Model = AlexNetModel.Untrained("test", DeviceChoice.Cpu);
    }

    public AlexNetModel Model { get; }

    public void Dispose() => Model.Dispose();
}

[CollectionDefinition(Name)]
public sealed class ModelCollection : ICollectionFixture<UntrainedModel>
{
    public const string Name = "untrained model";
}

/// <summary>Tests that measure time or process memory run alone, after the parallel ones, so other tests cannot disturb them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuringCollection
{
    public const string Name = "measuring (runs alone)";
}
