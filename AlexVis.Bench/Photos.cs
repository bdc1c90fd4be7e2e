using AlexVis.Harness;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace AlexVis.Bench;

/// <summary>Photos for the benchmarks, made from the bundled samples (so nothing is downloaded).</summary>
static class Photos
{
    static string Sample(string name) => Path.Combine(AppServer.RepositoryRoot(), "samples", name);

    /// <summary>A 12-megapixel (4000 × 3000) JPEG like a phone's: a sample enlarged, with sensor-like noise, quality 90, 4:2:0.</summary>
    public static byte[] TwelveMegapixelJpeg() => twelve.Value;

    static byte[] MakeTwelveMegapixelJpeg()
    {
        using var image = Image.Load<Rgb24>(Sample("astronaut.png"));
        image.Mutate(x => x.Resize(4000, 3000, KnownResamplers.Bicubic));
        var random = new Random(12);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
                foreach (ref var p in rows.GetRowSpan(y))
                {
                    int n = random.Next(-6, 7);
                    p = new Rgb24(Clamp(p.R + n), Clamp(p.G + n), Clamp(p.B + n));
                }
        });
        using var ms = new MemoryStream();
        image.Save(ms, new JpegEncoder { Quality = 90 });
        return ms.ToArray();
    }

    /// <summary>
    /// <paramref name="count"/> distinct 12 MP phone photos: the same pixels, each file with a comment segment of its
    /// own, so no two students share a trace and every one is decoded and traced.
    /// </summary>
    public static IReadOnlyList<(string Name, byte[] Bytes)> PhoneBurst(int count, int round = 0)
    {
        var photo = TwelveMegapixelJpeg();
        return Enumerable.Range(0, count).Select(i =>
        {
            var text = System.Text.Encoding.ASCII.GetBytes($"AlexVis classroom round {round} student {i}");
            byte[] comment = [0xFF, 0xFE, (byte)((text.Length + 2) >> 8), (byte)(text.Length + 2), .. text];
            return ($"phone-{round}-{i:00}.jpg", (byte[])[.. photo[..2], .. comment, .. photo[2..]]);
        }).ToList();
    }

    static readonly Lazy<byte[]> twelve = new(MakeTwelveMegapixelJpeg);

    /// <summary>Distinct classroom photos (so no two students share a trace): crops of the samples at different places.</summary>
    public static IReadOnlyList<(string Name, byte[] Bytes)> Classroom(int count)
    {
        var sources = new[] { "chelsea.png", "coffee.png", "astronaut.png", "rocket.jpg" }.Select(f => Image.Load<Rgb24>(Sample(f))).ToArray();
        try
        {
            return Enumerable.Range(0, count).Select(i =>
            {
                var source = sources[i % sources.Length];
                int w = source.Width * 3 / 4, h = source.Height * 3 / 4;
                int x = i * 7 % (source.Width - w), y = i * 5 % (source.Height - h);
                using var crop = source.Clone(c => c.Crop(new Rectangle(x, y, w, h)));
                using var ms = new MemoryStream();
                crop.Save(ms, new JpegEncoder { Quality = 85 + i % 10 });
                return ($"student-{i:00}.jpg", ms.ToArray());
            }).ToList();
        }
        finally
        {
            foreach (var s in sources) s.Dispose();
        }
    }

    static byte Clamp(int v) => (byte)Math.Clamp(v, 0, 255);
}
