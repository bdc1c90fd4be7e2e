using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AlexVis.Web.Options;

/// <summary>Validates every section of <see cref="AlexVisOptions"/> (DataAnnotations do not recurse into nested objects).</summary>
public sealed class AlexVisOptionsValidator : IValidateOptions<AlexVisOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AlexVisOptions options)
    {
        var failures = new List<string>();
        Check(options, AlexVisOptions.Section, failures);
        Check(options.Model, $"{AlexVisOptions.Section}:Model", failures);
        Check(options.Inference, $"{AlexVisOptions.Section}:Inference", failures);
        Check(options.Upload, $"{AlexVisOptions.Section}:Upload", failures);
        Check(options.Decoding, $"{AlexVisOptions.Section}:Decoding", failures);
        Check(options.Samples, $"{AlexVisOptions.Section}:Samples", failures);
        Check(options.Display, $"{AlexVisOptions.Section}:Display", failures);
        Check(options.Rooms, $"{AlexVisOptions.Section}:Rooms", failures);
        if (options.Rooms.IdleExpiry < TimeSpan.FromMinutes(1))
            failures.Add($"{AlexVisOptions.Section}:Rooms:IdleExpiry ({options.Rooms.IdleExpiry}) must be at least a minute.");
        if (options.Inference.MaxBatch > options.Inference.Capacity)
            failures.Add($"{AlexVisOptions.Section}:Inference:MaxBatch ({options.Inference.MaxBatch}) cannot exceed Capacity ({options.Inference.Capacity}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    static void Check(object section, string path, List<string> failures)
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(section, new ValidationContext(section), results, validateAllProperties: true)) return;
        failures.AddRange(results.Select(r => $"{path}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));
    }
}
