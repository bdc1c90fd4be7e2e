using AlexVis.Model.Labels;

namespace AlexVis.Model.Inference;

/// <summary>One ImageNet class the network ranks highly.</summary>
/// <param name="Rank">1 for the top prediction.</param>
/// <param name="ClassIndex">ImageNet class index, 0–999.</param>
/// <param name="Label">torchvision's class name.</param>
/// <param name="Probability">Softmax probability.</param>
/// <param name="Logit">The fc8 output before softmax.</param>
public sealed record Prediction(int Rank, int ClassIndex, string Label, float Probability, float Logit)
{
    /// <summary>The <paramref name="k"/> most probable classes; ties go to the lower index, as torch.topk does on CPU.</summary>
    public static IReadOnlyList<Prediction> TopK(float[] probabilities, float[] logits, int k)
    {
        k = Math.Clamp(k, 0, probabilities.Length);
        var order = Enumerable.Range(0, probabilities.Length)
            .OrderByDescending(i => probabilities[i]).ThenBy(i => i)
            .Take(k);
        return order.Select((c, r) => new Prediction(r + 1, c, ImageNetClasses.Names[c], probabilities[c], logits[c])).ToArray();
    }
}
