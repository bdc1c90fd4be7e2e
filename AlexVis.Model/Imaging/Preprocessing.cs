namespace AlexVis.Model.Imaging;

/// <summary>
/// torchvision's ImageNet evaluation transform on a PIL image, reproduced exactly:
/// Resize(256) (PIL bilinear with antialiasing, in PIL's 8-bit fixed point), CenterCrop(224), ToTensor, Normalize.
/// Only the pixels inside the crop are computed; each one is computed exactly as PIL would.
/// </summary>
public static class Preprocessing
{
    /// <summary>Shorter side after resizing.</summary>
    public const int ResizeTo = 256;

    /// <summary>Side of the centre crop.</summary>
    public const int CropSize = 224;

    /// <summary>ImageNet channel means used by torchvision's Normalize.</summary>
    public static readonly float[] Mean = [0.485f, 0.456f, 0.406f];

    /// <summary>ImageNet channel standard deviations used by torchvision's Normalize.</summary>
    public static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    /// <summary>Resize, crop and normalise an RGB image for the network.</summary>
    public static ModelInput Prepare(RgbImage image) => ModelInput.FromCrop(Crop(image));

    /// <summary>Resize and crop: the 224 × 224 pixels the network's input is made of.</summary>
    public static RgbImage Crop(RgbImage image)
    {
        var (width, height) = ResizedSize(image.Width, image.Height);
        int top = (int)Math.Round((height - CropSize) / 2.0, MidpointRounding.ToEven);
        int left = (int)Math.Round((width - CropSize) / 2.0, MidpointRounding.ToEven);
        return PilResize.BilinearRegion(image, width, height, left, top, CropSize, CropSize);
    }

    /// <summary>torchvision's Resize(256) output size: shorter side 256, longer side truncated in proportion.</summary>
    public static (int Width, int Height) ResizedSize(int width, int height)
    {
        if (width <= height)
            return (ResizeTo, (int)((double)ResizeTo * height / width));
        return ((int)((double)ResizeTo * width / height), ResizeTo);
    }

    /// <summary>
    /// The size a large JPEG may be reduced to while it is decoded: twice <see cref="ResizedSize"/>, what PIL's
    /// <c>Image.thumbnail</c> passes to <c>Image.draft</c> with its default reducing gap of 2, so the antialiased
    /// resize still averages at least two decoded pixels per output pixel.
    /// </summary>
    public static (int Width, int Height) DraftSize(int width, int height)
    {
        var (w, h) = ResizedSize(width, height);
        return (2 * w, 2 * h);
    }

    /// <summary>ToTensor then Normalize, in float32 with torchvision's order of operations: ((v / 255) − mean) / std.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static float[] Normalise(RgbImage crop)
    {
        int plane = crop.Width * crop.Height;
        var tensor = new float[3 * plane];
        var px = crop.Pixels;
        for (int c = 0; c < 3; c++)
        {
            float mean = Mean[c], std = Std[c];
            int o = c * plane;
            for (int i = 0; i < plane; i++)
                tensor[o + i] = (px[i * 3 + c] / 255f - mean) / std;
        }
        return tensor;
    }
}
