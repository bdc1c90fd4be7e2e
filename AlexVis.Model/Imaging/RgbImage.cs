namespace AlexVis.Model.Imaging;

/// <summary>An 8-bit RGB image, pixels interleaved R, G, B row after row.</summary>
/// <param name="Width">Columns.</param>
/// <param name="Height">Rows.</param>
/// <param name="Pixels">Width × Height × 3 bytes (a decoder worker's own may be longer: see <see cref="ImageDecoder.Decode(ReadOnlySpan{byte}, ImageLimits, string?, bool, Func{int, byte[]})"/>).</param>
public sealed record RgbImage(int Width, int Height, byte[] Pixels)
{
    /// <summary>Red, green and blue at column x, row y.</summary>
    public (byte R, byte G, byte B) this[int x, int y]
    {
        get
        {
            int i = (y * Width + x) * 3;
            return (Pixels[i], Pixels[i + 1], Pixels[i + 2]);
        }
    }
}

/// <summary>What the network is fed: the normalised 3×224×224 tensor (as floats, CHW) and the 8-bit crop it came from.</summary>
/// <param name="Tensor">3 × 224 × 224 floats, channel-major, ImageNet-normalised.</param>
/// <param name="Crop">The 224×224 RGB crop.</param>
public sealed record ModelInput(float[] Tensor, RgbImage Crop)
{
    /// <summary>The network's input for a 224×224 crop: the crop, ToTensor'd and normalised as torchvision does.</summary>
    public static ModelInput FromCrop(RgbImage crop) => new(Preprocessing.Normalise(crop), crop);

    /// <summary>Number of floats in <see cref="Tensor"/>.</summary>
    public const int Length = 3 * 224 * 224;
}
