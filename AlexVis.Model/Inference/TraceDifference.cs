namespace AlexVis.Model.Inference;

/// <summary>Two photos compared cell by cell: what the network computes for A minus what it computes for B.</summary>
public static class TraceDifference
{
    /// <summary>
    /// A − B for every layer, the logits and the probabilities, as a trace (no top-k: a difference ranks nothing). The
    /// crop and weights are A's.
    /// </summary>
    public static ActivationTrace Of(ActivationTrace a, ActivationTrace b)
    {
        var layers = a.Layers.Select((maps, i) => new FeatureMaps(maps.Layer, Minus(maps.Data, b.Layers[i].Data))).ToArray();
        return new ActivationTrace(layers, Minus(a.Logits, b.Logits), Minus(a.Probabilities, b.Probabilities), [], a.Input, a.Weights);
    }

    static float[] Minus(float[] x, float[] y)
    {
        if (x.Length != y.Length) throw new ArgumentException("The two traces are not of the same network.");
        var d = new float[x.Length];
        for (int i = 0; i < d.Length; i++) d[i] = x[i] - y[i];
        return d;
    }
}
