using MLNetTransfer.Backbones.Import;
using static TorchSharp.torch;

namespace MLNetTransfer.Training;

/// <summary>A backbone graph with a classifier head on its output: images in, one logit per class out.</summary>
public sealed class TransferNetwork : nn.Module<Tensor, Tensor>
{
    public TransferNetwork(OnnxGraphModule backbone, ClassifierHead head) : base(nameof(TransferNetwork))
    {
        Backbone = backbone;
        Head = head;
        register_module("backbone", backbone);
        register_module("head", head);
    }

    public OnnxGraphModule Backbone { get; }
    public ClassifierHead Head { get; }

    public override Tensor forward(Tensor images) => Head.forward(Backbone.forward(ChannelsLast.Of(images)));

    /// <summary>
    /// Logits from an intermediate backbone tensor (a cut such as a stage's input), running only what follows it. Give
    /// the <paramref name="images"/> too where a branch from before the cut joins after it (a residual connection).
    /// </summary>
    public Tensor ForwardFrom(string tensorName, Tensor value, Tensor? images = null)
    {
        var feeds = new Dictionary<string, Tensor> { [tensorName] = ChannelsLast.Of(value) };
        if (images is not null) feeds[Backbone.InputName] = ChannelsLast.Of(images);
        return Head.forward(Backbone.Run(feeds, [Backbone.OutputName])[Backbone.OutputName]);
    }
}
