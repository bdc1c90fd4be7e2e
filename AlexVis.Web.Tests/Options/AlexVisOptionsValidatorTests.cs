using AlexVis.Web.Options;

namespace AlexVis.Web.Tests.Options;

public class AlexVisOptionsValidatorTests
{
    static readonly AlexVisOptionsValidator validator = new();

    [Fact]
    public void The_defaults_are_valid() => Assert.True(validator.Validate(null, new AlexVisOptions()).Succeeded);

    [Fact]
    public void Every_nested_limit_is_checked_and_named()
    {
        var options = new AlexVisOptions();
        options.Inference.Workers = 0;
        options.Upload.MaxBytes = 10;
        options.Display.MontageLevels = 300;
        options.Model.DownloadUrl = "not a url";
        var result = validator.Validate(null, options);
        Assert.True(result.Failed);
        var failures = string.Join("\n", result.Failures!);
        Assert.Contains("AlexVis:Inference:Workers", failures);
        Assert.Contains("AlexVis:Upload:MaxBytes", failures);
        Assert.Contains("AlexVis:Display:MontageLevels", failures);
        Assert.Contains("AlexVis:Model:DownloadUrl", failures);
    }

    [Fact]
    public void A_batch_larger_than_the_queue_is_refused()
    {
        var options = new AlexVisOptions();
        options.Inference.Capacity = 4;
        options.Inference.MaxBatch = 8;
        Assert.Contains("MaxBatch (8) cannot exceed Capacity (4)", string.Join("\n", validator.Validate(null, options).Failures!));
    }
}
