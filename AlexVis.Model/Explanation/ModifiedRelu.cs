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
/// The rule a forward pass's ReLUs use when the gradient goes back through them: read at backward time, so one forward
/// can serve two backward passes with different rules (guided Grad-CAM: Grad-CAM's plain gradient, then guided backprop's).
/// </summary>
internal sealed class ReluRuleBox(ReluRule rule)
{
    /// <summary>The rule the next backward pass uses.</summary>
    public ReluRule Rule { get; set; } = rule;
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
    public static Tensor Apply(Tensor x, ReluRule rule) => rule == ReluRule.Plain ? nn.functional.relu(x) : apply(x, new ReluRuleBox(rule));

    /// <summary>ReLU of <paramref name="x"/>, with the backward of whatever rule <paramref name="box"/> holds when the gradient comes back.</summary>
    public static Tensor Apply(Tensor x, ReluRuleBox box) => apply(x, box);

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
        var grad = ((ReluRuleBox)ctx.get_data("rule")).Rule switch
        {
            ReluRule.Deconvnet => nn.functional.relu(grad_output),
            ReluRule.Guided => nn.functional.relu(grad_output * ctx.get_saved_variables()[0].gt(0)),
            _ => grad_output * ctx.get_saved_variables()[0].gt(0), // ReLU's own derivative
        };
        return [grad, null!]; // no gradient for the rule
    }
}
