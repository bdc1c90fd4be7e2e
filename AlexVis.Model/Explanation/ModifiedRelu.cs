using TorchSharp;
using static TorchSharp.torch;

namespace AlexVis.Model.Explanation;

/// <summary>How a ReLU passes the gradient down in an attribution's backward pass.</summary>
internal enum ReluRule
{
    /// <summary>ReLU's own derivative: the gradient where the input was positive.</summary>
    Plain,
    /// <summary>Deconvnet (Zeiler and Fergus 2013): <c>relu(grad_out)</c>, whatever the forward input was.</summary>
    Deconvnet,
    /// <summary>Guided backprop (Springenberg et al. 2014): <c>relu(grad_in)</c>, the ordinary gradient with negatives cut.</summary>
    Guided,
}

/// <summary>
/// A ReLU whose forward is ReLU's and whose backward is a <see cref="ReluRule"/>. TorchSharp has no backward hooks,
/// so the methods put this function in place of every ReLU, as Captum's hooks change the ReLUs' gradients.
/// </summary>
internal sealed class ModifiedRelu : autograd.SingleTensorFunction<ModifiedRelu>
{
    /// <inheritdoc />
    public override string Name => nameof(ModifiedRelu);

    /// <summary>ReLU of <paramref name="x"/>, with <paramref name="rule"/>'s backward.</summary>
    public static Tensor Apply(Tensor x, ReluRule rule) => rule == ReluRule.Plain ? nn.functional.relu(x) : apply(x, rule);

    /// <inheritdoc />
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var x = (Tensor)vars[0];
        ctx.save_data("rule", vars[1]);
        ctx.save_for_backward([x]);
        return nn.functional.relu(x);
    }

    /// <inheritdoc />
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        var rule = (ReluRule)ctx.get_data("rule");
        var grad = rule == ReluRule.Deconvnet
            ? nn.functional.relu(grad_output)
            : nn.functional.relu(grad_output * ctx.get_saved_variables()[0].gt(0));
        return [grad, null!]; // no gradient for the rule
    }
}
