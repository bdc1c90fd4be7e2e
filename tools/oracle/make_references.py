#!/usr/bin/python3
"""PyTorch reference outputs for AlexVis's fidelity tests.

Run with Debian's interpreter and packages (python3-torch 1.13, python3-torchvision 0.14, libopenblas0):

    /usr/bin/python3 tools/oracle/make_references.py            # (re)write AlexVis.Model.Tests/TestData/oracle
    /usr/bin/python3 tools/oracle/make_references.py --check    # recompute from scratch, fail on any drift

What it writes, for each bundled sample and for each derived image it makes itself (grey, palette, alpha,
16-bit, CMYK, small, JPEG):
  images/<name>.<ext>   the derived input images (bundled samples are read from samples/)
  <name>/crop.png       torchvision's Resize(256) + CenterCrop(224) of the RGB image, as 8-bit RGB;
                        ToTensor + Normalize of this PNG is bit-identical to torchvision's input tensor
                        (asserted below), so the tests get PyTorch's exact input from it. A JPEG is opened
                        the way AlexVis decodes uploads by default: Image.draft("RGB", twice the resized
                        size), the reduction Image.thumbnail makes, which lets libjpeg decode a large photo at
                        1/2, 1/4 or 1/8 scale (a no-op for the smaller files)
  <name>/crop_full.png  for the images draft did reduce: the same crop from the fully decoded image (AlexVis
                        with Decoding:ReduceLargeJpegs off)
  <name>/meta.json      top-5, offsets into values.bin, and (bundled samples only) layer shapes and pool5 in full
  <name>/values.bin     little-endian: logits; for bundled samples also per-layer sampled values (float32) and
                        per-channel sums (float64). Derived images test decoding, so logits suffice there.
  <name>/explain.json   bundled samples: deconvnet, guided backprop, saliency, Grad-CAM, guided Grad-CAM and
  <name>/explain.bin    occlusion for several layers, channels, cells and classes, each written with autograd and
                        Captum's ReLU rules as backward hooks (not with AlexVis's code): the raw map's max |value|,
                        sum, and its values (in full when small, else 4096 samples)
  <name>/ablation.json  bundled samples: the network with channels of conv layers switched off (zeroed by a forward
  <name>/ablation.bin   hook after the convolution): top-5, and logits and pool5 in full, for each case of ABLATIONS
  receptive_fields.json for every spatial layer, the input rows and columns each cell depends on, by brute force
                        (perturbing input rows, columns and single pixels; see receptive_field_references)
  conv1-chelsea.f32     the full features.0 output for the chelsea sample
  subset.pth            a few entries of the seed-0 state_dict, written by torch.save, for the loader tests
  conv1-weight.f32      features.0.weight of the seed-0 model (64×3×11×11 float32), for the kernel hover test
  imagenet_classes.txt  torchvision's own category list (copied into AlexVis.Model/Labels by hand when it changes)

The model is torchvision.models.alexnet() after torch.manual_seed(0): no pretrained weights are needed.
ReLU is switched to not in-place so that every layer's output can be captured.
"""
import argparse
import filecmp
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

import numpy as np
import torch
import torchvision
from PIL import Image
from torchvision import transforms
from torchvision.models import _meta

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SAMPLES = os.path.join(REPO, "samples")
DEFAULT_OUT = os.path.join(REPO, "AlexVis.Model.Tests", "TestData", "oracle")
SAMPLES_PER_LAYER = 1024
FULL_LAYER_LIMIT = 4096
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]


def write_png16_rgb(path, rgb8):
    """A 16-bit RGB PNG (PIL cannot write one): each 8-bit value v becomes v * 257."""
    h, w, _ = rgb8.shape
    data = (rgb8.astype(">u2") * 257).astype(">u2")
    raw = b"".join(b"\x00" + data[y].tobytes() for y in range(h))

    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def png_bytes(width, height, depth, colour_type, raw_rows):
    """A PNG from filtered rows (each starting with its filter byte)."""
    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw_rows, 9)) + chunk(b"IEND", b""))


def jpeg_segments(data):
    """(offset, total length, marker) of each marker segment up to and including the first SOS header."""
    pos, out = 2, []
    while True:
        marker = data[pos + 1]
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        out.append((pos, length + 2, marker))
        if marker == 0xDA:
            return out
        pos += length + 2


def write_file(folder, name, data):
    path = os.path.join(folder, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def cjpeg(ppm, path, *args):
    """libjpeg-turbo's own encoder (Debian's libjpeg-turbo-progs): files Pillow 9.4 cannot write."""
    subprocess.run(["cjpeg", *args, "-outfile", path, ppm], check=True)
    return path


def make_libjpeg_images(folder, odd):
    """JPEG kinds only libjpeg writes, and edge cases PIL reads: (name, path, None) triples."""
    ppm = os.path.join(folder, "odd.ppm")
    odd.save(ppm)
    out = []
    for name, args in [("cj_restart_rows", ["-restart", "1", "-quality", "80"]), ("cj_restart_blocks", ["-restart", "3B"]),
                       ("cj_440", ["-sample", "1x2,1x1,1x1"]), ("cj_411", ["-sample", "4x1,1x1,1x1"]),
                       ("cj_arithmetic", ["-arithmetic"]), ("cj_progressive_restart", ["-progressive", "-restart", "2"])]:
        out.append((name, cjpeg(ppm, os.path.join(folder, name + ".jpg"), *args), None))
    base = open(cjpeg(ppm, os.path.join(folder, "cj_baseline.jpg"), "-baseline", "-quality", "85"), "rb").read()
    segments = jpeg_segments(base)

    # Motion-JPEG style: no Huffman tables at all; libjpeg falls back to the standard ones (cjpeg used them).
    no_huffman = base[:2] + b"".join(base[o:o + n] for o, n, m in segments if m != 0xC4) + base[segments[-1][0] + segments[-1][1]:]
    out.append(("no_huffman_tables", write_file(folder, "no_huffman_tables.jpg", no_huffman), None))
    # A JFIF file that also carries Adobe APP14 with transform 0: libjpeg trusts JFIF and decodes YCbCr.
    adobe = b"\xff\xee" + struct.pack(">H", 14) + b"Adobe" + struct.pack(">HHHB", 100, 0, 0, 0)
    at = segments[1][0]
    out.append(("jfif_adobe_transform0", write_file(folder, "jfif_adobe_transform0.jpg", base[:at] + adobe + base[at:]), None))
    # A scan cut in half and closed with EOI: libjpeg fills the rest with grey and PIL accepts the file.
    scan = segments[-1][0]
    cut = base[:scan + (len(base) - scan) // 2].rstrip(b"\xff")
    out.append(("scan_cut_then_eoi", write_file(folder, "scan_cut_then_eoi.jpg", cut + b"\xff\xd9"), None))
    out.append(("tem_before_eoi", write_file(folder, "tem_before_eoi.jpg", base[:-2] + b"\xff\x01\xff\xd9"), None))
    os.remove(ppm)
    return out, base, cut


def make_refused_images(folder, base, cut, rgb_rows):
    """Files PIL refuses, which AlexVis must refuse too: (name, path, PIL's error) triples."""
    segments = jpeg_segments(base)

    def with_first_dc_table(counts, symbols):
        offset, total, _ = next(s for s in segments if s[2] == 0xC4)
        old_symbols = sum(base[offset + 5:offset + 21])
        rest = base[offset + 21 + old_symbols:offset + total]
        table = b"\x00" + bytes(counts) + bytes(symbols)
        return base[:offset] + b"\xff\xc4" + struct.pack(">H", 2 + len(table) + len(rest)) + table + rest + base[offset + total:]

    files = [
        ("cut_without_eoi", write_file(folder, "cut_without_eoi.jpg", cut)),
        ("huffman_oversubscribed", write_file(folder, "huffman_oversubscribed.jpg", with_first_dc_table([3] + [0] * 15, range(3)))),
        ("huffman_oversubscribed_long", write_file(folder, "huffman_oversubscribed_long.jpg",
                                              with_first_dc_table([0, 4] + [0] * 13 + [1], range(5)))),
    ]
    progressive = open(os.path.join(folder, "cj_progressive_restart.jpg"), "rb").read()
    sos, total, _ = jpeg_segments(progressive)[-1]
    bad = bytearray(progressive)
    bad[sos + total - 1] = 0xDD  # Ah = Al = 13: beyond any 8-bit JPEG's precision
    files.append(("progressive_ah_al_13", write_file(folder, "progressive_ah_al_13.jpg", bytes(bad))))
    z = bytearray(zlib.compress(rgb_rows, 9))
    z[-1] ^= 0xFF  # the zlib stream's Adler-32
    png = png_bytes(301, 203, 8, 2, b"")
    head = png[:8 + 25]
    idat = struct.pack(">I", len(z)) + b"IDAT" + bytes(z) + struct.pack(">I", zlib.crc32(b"IDAT" + bytes(z)))
    files.append(("png_bad_adler", write_file(folder, "png_bad_adler.png", head + idat + png[-12:])))
    out = []
    for name, path in files:
        try:
            Image.open(path).convert("RGB")
        except Exception as e:  # PIL raises OSError or SyntaxError; any refusal counts
            out.append((name, path, f"{type(e).__name__}: {e}"))
            continue
        raise AssertionError(f"PIL was expected to refuse {name}")
    return out


def make_derived_images(folder):
    """Images in every mode the loader must handle, made from the bundled samples.

    Returns (name, path, reference RGB image) triples and the (name, path, PIL's error) triples of files PIL
    refuses. For the 16-bit grey images the reference is the high byte of each sample, which is what AlexVis (and
    libpng) use, whereas PIL's convert('RGB') clips 16-bit grey to 255 and washes it out; for 16-bit colour PIL
    itself takes the high byte.
    """
    os.makedirs(folder, exist_ok=True)
    chelsea = Image.open(os.path.join(SAMPLES, "chelsea.png")).convert("RGB")
    coffee = Image.open(os.path.join(SAMPLES, "coffee.png")).convert("RGB")
    astronaut = Image.open(os.path.join(SAMPLES, "astronaut.png")).convert("RGB")
    small_chelsea = chelsea.resize((300, 200), Image.BILINEAR)
    out = []

    def save(img, name, **kw):
        path = os.path.join(folder, name)
        img.save(path, **kw)
        return path

    grey = small_chelsea.convert("L")
    out.append(("grey", save(grey, "grey.png"), None))

    palette = coffee.resize((300, 200), Image.BILINEAR).quantize(colors=64, method=Image.MEDIANCUT, dither=Image.NONE)
    out.append(("palette", save(palette, "palette.png"), None))

    rgba = astronaut.resize((256, 256), Image.BILINEAR).convert("RGBA")
    alpha = np.tile(np.linspace(0, 255, 256, dtype=np.uint8), (256, 1))
    rgba.putalpha(Image.fromarray(alpha, "L"))
    out.append(("alpha", save(rgba, "alpha.png"), None))

    grey16 = Image.fromarray(np.asarray(grey, dtype=np.uint16) * 257, "I;16")
    out.append(("grey16", save(grey16, "grey16.png"), grey.convert("RGB")))

    rgb16_path = os.path.join(folder, "rgb16.png")
    write_png16_rgb(rgb16_path, np.asarray(small_chelsea))
    out.append(("rgb16", rgb16_path, small_chelsea))

    cmyk = small_chelsea.convert("CMYK")
    out.append(("cmyk", save(cmyk, "cmyk.jpg", quality=95), None))

    small = chelsea.resize((150, 100), Image.BILINEAR)
    out.append(("small", save(small, "small.png"), None))

    # JPEG variants at odd sizes, so partial blocks and MCUs at the edges are exercised.
    odd = coffee.resize((301, 203), Image.BILINEAR)
    out.append(("jpeg420", save(odd, "jpeg420.jpg", quality=90, subsampling="4:2:0"), None))
    out.append(("jpeg422", save(odd, "jpeg422.jpg", quality=85, subsampling="4:2:2"), None))
    out.append(("jpeg444", save(odd, "jpeg444.jpg", quality=95, subsampling="4:4:4"), None))
    out.append(("progressive", save(odd, "progressive.jpg", quality=80, progressive=True, restart_marker_blocks=7), None))
    out.append(("restart", save(odd, "restart.jpg", quality=75, restart_marker_rows=1), None))
    out.append(("greyjpeg", save(odd.convert("L"), "greyjpeg.jpg", quality=90), None))

    rng = np.random.default_rng(16)
    g16 = rng.integers(0, 65536, (40, 50), dtype=np.uint16)
    path = write_file(folder, "grey16_random.png",
                      png_bytes(50, 40, 16, 0, b"".join(b"\x00" + g16[y].astype(">u2").tobytes() for y in range(40))))
    out.append(("grey16_random", path, Image.fromarray((g16 >> 8).astype(np.uint8), "L").convert("RGB")))
    c16 = rng.integers(0, 65536, (40, 50, 3), dtype=np.uint16)
    path = write_file(folder, "rgb16_random.png",
                      png_bytes(50, 40, 16, 2, b"".join(b"\x00" + c16[y].astype(">u2").tobytes() for y in range(40))))
    out.append(("rgb16_random", path, None))  # PIL's own answer: the high byte of each sample

    # Photos large enough for libjpeg to decode them reduced (see open_drafted): 1/2, 1/4 and 1/8, odd sizes,
    # progressive, grey and CMYK. Smooth upscales at modest quality keep the files small.
    out.append(("draft2", save(coffee.resize((1601, 1101), Image.BICUBIC), "draft2.jpg", quality=80, subsampling="4:2:0"), None))
    out.append(("draft4_progressive", save(astronaut.resize((2203, 3001), Image.BICUBIC), "draft4_progressive.jpg",
                                           quality=60, progressive=True), None))
    out.append(("draft8_grey", save(chelsea.resize((4401, 4100), Image.BILINEAR).convert("L"), "draft8_grey.jpg", quality=40), None))
    out.append(("draft2_cmyk", save(odd.resize((2101, 1103), Image.BICUBIC).convert("CMYK"), "draft2_cmyk.jpg", quality=70), None))

    libjpeg, base, cut = make_libjpeg_images(folder, odd)
    out += libjpeg
    rows = np.asarray(odd)
    refused = make_refused_images(folder, base, cut, b"".join(b"\x00" + rows[y].tobytes() for y in range(rows.shape[0])))
    return out, refused


def model_seed0():
    torch.manual_seed(0)
    model = torchvision.models.alexnet()
    for module in model.modules():
        if isinstance(module, torch.nn.ReLU):
            module.inplace = False
    model.eval()
    return model


def layer_names(model):
    names = [f"features.{i}" for i in range(len(model.features))]
    names.append("avgpool")
    names += [f"classifier.{i}" for i in range(len(model.classifier))]
    return names


def trace(model, x):
    outputs = {}
    hooks = []
    for name, module in model.named_modules():
        if name.startswith("features.") or name.startswith("classifier.") or name == "avgpool":
            hooks.append(module.register_forward_hook(
                lambda m, i, o, name=name: outputs.__setitem__(name, o.detach().clone())))
    with torch.no_grad():
        logits = model(x)
    for h in hooks:
        h.remove()
    return outputs, logits[0]


def resized_size(width, height):
    """torchvision's Resize(256) output size for a PIL image of this size (shorter side 256, longer truncated)."""
    return (256, int(256 * height / width)) if width <= height else (int(256 * width / height), 256)


def open_drafted(path):
    """Image.open, then for a JPEG Image.draft("RGB", 2 × the resized size), as Image.thumbnail does with its
    default reducing_gap of 2.0: libjpeg decodes at the smallest of 1/8, 1/4, 1/2 that stays at least that large.
    Returns the image and the scale (1 when nothing was reduced)."""
    img = Image.open(path)
    if img.format != "JPEG":
        return img, 1
    w, h = resized_size(*img.size)
    img.draft("RGB", (2 * w, 2 * h))
    return img, img.decoderconfig[0] if img.decoderconfig else 1


def normalise_crop(crop):
    """ToTensor + Normalize of an 8-bit RGB crop, as torchvision does it."""
    return transforms.Normalize(MEAN, STD)(transforms.ToTensor()(crop))


def references_for(model, name, path, reference_rgb, out, full_conv1, layers):
    img, scale = open_drafted(path)
    mode = img.mode
    size = list(Image.open(path).size)
    rgb = reference_rgb if reference_rgb is not None else img.convert("RGB")
    crop = transforms.CenterCrop(224)(transforms.Resize(256)(rgb))
    x = normalise_crop(crop)

    full = transforms.Compose([transforms.Resize(256), transforms.CenterCrop(224), transforms.ToTensor(),
                               transforms.Normalize(MEAN, STD)])(rgb)
    assert torch.equal(full, x), "crop.png must reproduce torchvision's input tensor exactly"

    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    crop.save(os.path.join(folder, "crop.png"))
    if scale > 1:
        full_rgb = Image.open(path).convert("RGB")
        transforms.CenterCrop(224)(transforms.Resize(256)(full_rgb)).save(os.path.join(folder, "crop_full.png"))
    again = normalise_crop(Image.open(os.path.join(folder, "crop.png")).convert("RGB"))
    assert torch.equal(again, x), "crop.png round trip changed the tensor"

    outputs, logits = trace(model, x.unsqueeze(0))
    probs = torch.softmax(logits, dim=0)
    top = torch.topk(probs, 5)
    categories = _meta._IMAGENET_CATEGORIES

    blob = io.BytesIO()

    def put(array):
        offset = blob.tell()
        blob.write(np.ascontiguousarray(array).astype("<" + array.dtype.str[1:]).tobytes())
        return offset

    meta = {
        "file": os.path.relpath(path, REPO if path.startswith(SAMPLES) else out),
        "mode": mode,
        "size": size,
        "draft_scale": scale,
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "top5": [{"index": int(i), "label": categories[int(i)], "probability": float(p)}
                 for p, i in zip(top.values, top.indices)],
        "logits": {"offset": put(logits.numpy().astype(np.float32)), "count": 1000},
        "layers": [],
    }
    for layer in (layer_names(model) if layers else []):
        value = outputs[layer][0]
        flat = value.reshape(-1).numpy().astype(np.float32)
        entry = {"name": layer, "shape": list(value.shape), "max_abs": float(np.abs(flat).max())}
        if flat.size <= FULL_LAYER_LIMIT:
            entry["full"] = {"offset": put(flat), "count": int(flat.size)}
        else:
            count = SAMPLES_PER_LAYER
            idx = (np.arange(count, dtype=np.int64) * flat.size) // count
            entry["samples"] = {"offset": put(flat[idx]), "count": count,
                                "rule": "index_k = k * numel // count"}
        if value.dim() == 3:
            per_channel = value.reshape(value.shape[0], -1).double()
            entry["channel_sum"] = {"offset": put(per_channel.sum(1).numpy()), "count": int(value.shape[0])}
            entry["channel_abs_sum"] = {"offset": put(per_channel.abs().sum(1).numpy()),
                                        "count": int(value.shape[0])}
        meta["layers"].append(entry)

    if layers:
        # pool5 in full: the ranked-photos tests rank the samples by a pool5 channel's peak exactly as PyTorch has it.
        meta["pool5"] = {"offset": put(outputs["features.12"][0].reshape(-1).numpy().astype(np.float32)), "count": 256 * 6 * 6}
    with open(os.path.join(folder, "values.bin"), "wb") as f:
        f.write(blob.getvalue())
    with open(os.path.join(folder, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    if layers:
        explain_references(model, x, logits, folder)
        ablation_references(model, x, folder)
    if full_conv1:
        with open(os.path.join(out, f"conv1-{name}.f32"), "wb") as f:
            f.write(outputs["features.0"][0].numpy().astype("<f4").tobytes())
    return meta


ALIASES = {"conv1": 0, "relu1": 1, "pool1": 2, "conv2": 3, "relu2": 4, "pool2": 5, "conv3": 6, "relu3": 7,
           "conv4": 8, "relu4": 9, "conv5": 10, "relu5": 11, "pool5": 12}
EXPLAIN_SAMPLES = 4096


def relu_rule(model, rule):
    """Captum's ReLU rules as full backward hooks on every (non-in-place) ReLU: the deconvnet passes relu(grad_out),
    guided backprop relu(grad_in). Returns the hook handles."""
    if rule is None:
        return []

    def hook(module, grad_input, grad_output):
        return (torch.nn.functional.relu(grad_output[0] if rule == "deconvnet" else grad_input[0]),)
    return [m.register_full_backward_hook(hook) for m in model.modules() if isinstance(m, torch.nn.ReLU)]


def leaf(x):
    return x.detach().clone().unsqueeze(0).requires_grad_(True)


def project(model, x, rule, layer=None, channel=None, cell=None, k=None):
    """The gradient of a channel (its map's sum, or one cell) or a class logit w.r.t. the input, with a ReLU rule."""
    handles = relu_rule(model, rule)
    try:
        inp = leaf(x)
        if layer is not None:
            act = model.features[:ALIASES[layer] + 1](inp)[0, channel]
            target = act[cell[0], cell[1]] if cell is not None else act.sum()
        else:
            target = model(inp)[0, k]
        return torch.autograd.grad(target, inp)[0][0]
    finally:
        for h in handles:
            h.remove()


def grad_cam(model, x, layer, k):
    """relu(sum_c mean(d logit_k / d A_c) A_c) with A the layer's output, at the layer's resolution ([1, 1, H, W])."""
    captured = {}
    handle = model.features[ALIASES[layer]].register_forward_hook(lambda m, i, o: captured.__setitem__("a", o))
    try:
        logits = model(leaf(x))
    finally:
        handle.remove()
    a = captured["a"]
    weights = torch.autograd.grad(logits[0, k], a)[0].mean(dim=(2, 3), keepdim=True)
    return torch.relu((weights * a).sum(dim=1, keepdim=True)).detach()


def occlusion(model, x, k, patch, stride):
    """Captum's Occlusion with a zero baseline over all three colours, target the class's softmax probability."""
    with torch.no_grad():
        before = torch.softmax(model(x.unsqueeze(0)), 1)[0, k]
        total = torch.zeros(224, 224)
        count = torch.zeros(224, 224)
        for r in range(0, 224 - patch + 1, stride):
            for c in range(0, 224 - patch + 1, stride):
                hidden = x.clone()
                hidden[:, r:r + patch, c:c + patch] = 0
                drop = before - torch.softmax(model(hidden.unsqueeze(0)), 1)[0, k]
                total[r:r + patch, c:c + patch] += drop
                count[r:r + patch, c:c + patch] += 1
        return (torch.where(count > 0, total / count.clamp(min=1), torch.zeros(()))).expand(3, 224, 224).contiguous()


def explain_references(model, x, logits, folder):
    """Each attribution method on one image, for several layers, channels and classes: explain.json + explain.bin
    (the raw map, float32, in full when small, else samples at index_k = k * numel // count)."""
    order = torch.argsort(logits, descending=True)
    top1, top2 = int(order[0]), int(order[1])
    with torch.no_grad():
        relu3 = model.features[:ALIASES["relu3"] + 1](x.unsqueeze(0))[0, 5]
        pool2 = model.features[:ALIASES["pool2"] + 1](x.unsqueeze(0))[0, 9]
    strongest = lambda m: [int(i) for i in divmod(int(m.argmax()), m.shape[1])]
    cases = [
        ("deconvnet", dict(layer="conv5", channel=17)),
        ("deconvnet", dict(layer="relu3", channel=5, cell=strongest(relu3))),
        ("deconvnet", dict(layer="pool1", channel=3)),
        ("deconvnet", dict(layer="conv1", channel=0, cell=[27, 27])),
        ("deconvnet", dict(k=top1)),
        ("guided", dict(layer="relu5", channel=40)),
        ("guided", dict(layer="pool2", channel=9, cell=strongest(pool2))),
        ("guided", dict(k=top1)),
        ("guided", dict(k=top2)),
        ("saliency", dict(k=top1)),
        ("saliency", dict(k=top2)),
        ("saliency", dict(k=0)),
        ("gradcam", dict(layer="conv5", k=top1)),
        ("gradcam", dict(layer="relu4", k=top2)),
        ("gradcam", dict(layer="pool2", k=top1)),
        ("gradcam", dict(layer="conv2", k=7)),
        ("guided-gradcam", dict(layer="conv5", k=top1)),
        ("guided-gradcam", dict(layer="conv4", k=top2)),
        ("occlusion", dict(k=top1, patch=32, stride=16)),
        ("occlusion", dict(k=top2, patch=56, stride=56)),
    ]
    blob = io.BytesIO()
    entries = []
    for method, a in cases:
        if method in ("deconvnet", "guided", "saliency"):
            rule = {"deconvnet": "deconvnet", "guided": "guided", "saliency": None}[method]
            value = project(model, x, rule, a.get("layer"), a.get("channel"), a.get("cell"), a.get("k"))
            if method == "saliency":
                value = value.abs()
        elif method == "gradcam":
            value = grad_cam(model, x, a["layer"], a["k"])[0, 0]
        elif method == "guided-gradcam":
            cam = torch.nn.functional.interpolate(grad_cam(model, x, a["layer"], a["k"]), size=(224, 224),
                                                  mode="bilinear", align_corners=False)
            value = project(model, x, "guided", k=a["k"]) * cam[0]
        else:
            value = occlusion(model, x, a["k"], a["patch"], a["stride"])
            with torch.no_grad():
                a["probability"] = float(torch.softmax(model(x.unsqueeze(0)), 1)[0, a["k"]])
        flat = value.detach().reshape(-1).numpy().astype("<f4")
        entry = {"method": method, "layer": a.get("layer"), "channel": a.get("channel"), "cell": a.get("cell"),
                 "class": a.get("k"), "patch": a.get("patch"), "stride": a.get("stride"), "shape": list(value.shape),
                 "max_abs": float(np.abs(flat).max()), "sum": float(flat.astype(np.float64).sum()),
                 "offset": blob.tell()}
        if "probability" in a:
            entry["probability"] = a["probability"]  # occlusion: the class's probability before any square
        if flat.size <= EXPLAIN_SAMPLES:
            entry["count"], entry["full"] = int(flat.size), True
            blob.write(flat.tobytes())
        else:
            idx = (np.arange(EXPLAIN_SAMPLES, dtype=np.int64) * flat.size) // EXPLAIN_SAMPLES
            entry["count"], entry["full"] = EXPLAIN_SAMPLES, False
            blob.write(flat[idx].tobytes())
        entries.append(entry)
    with open(os.path.join(folder, "explain.bin"), "wb") as f:
        f.write(blob.getvalue())
    with open(os.path.join(folder, "explain.json"), "w") as f:
        json.dump({"rule": "index_k = k * numel // count", "cases": entries}, f, indent=1)
        f.write("\n")


ABLATIONS = [
    {"conv3": [5, 17, 200]},
    {"conv3": [0, 13, 42, 77, 101, 150, 199, 256, 300, 383]},
    {"conv1": [0, 1, 2, 3]},
    {"conv5": [3]},
    {"conv2": [10, 20], "conv4": [7]},
]


def ablation_references(model, x, folder):
    """The network with channels switched off (each listed convolution's output channels set to zero by a forward
    hook, before its ReLU): logits and pool5 in full, for each case of ABLATIONS. ablation.json + ablation.bin."""
    blob = io.BytesIO()
    entries = []
    for case in ABLATIONS:
        handles = []
        for layer, channels in case.items():
            def zero(module, inputs, output, channels=channels):
                output = output.clone()
                output[:, channels] = 0
                return output
            handles.append(model.features[ALIASES[layer]].register_forward_hook(zero))
        try:
            with torch.no_grad():
                pool5 = model.features(x.unsqueeze(0))[0]
                logits = model(x.unsqueeze(0))[0]
        finally:
            for h in handles:
                h.remove()
        probs = torch.softmax(logits, dim=0)
        top = torch.topk(probs, 5)
        entry = {"ablate": case, "top5": [int(i) for i in top.indices],
                 "top5_probability": [float(p) for p in top.values],
                 "logits": {"offset": blob.tell(), "count": 1000, "max_abs": float(logits.abs().max())}}
        blob.write(logits.numpy().astype("<f4").tobytes())
        entry["pool5"] = {"offset": blob.tell(), "count": int(pool5.numel()), "max_abs": float(pool5.abs().max())}
        blob.write(pool5.reshape(-1).numpy().astype("<f4").tobytes())
        entries.append(entry)
    with open(os.path.join(folder, "ablation.bin"), "wb") as f:
        f.write(blob.getvalue())
    with open(os.path.join(folder, "ablation.json"), "w") as f:
        json.dump({"cases": entries}, f, indent=1)
        f.write("\n")


def receptive_field_references(out):
    """Which input rows (and columns) each cell of every spatial layer depends on, found by brute force: AlexNet's
    features with every filter weight positive (1 / fan-in) and zero biases, on an all-ones input, then one input
    row (or column) raised by 1000 at a time; a cell depends on that row when its value changes. With positive
    weights every ReLU passes and every max over a raised window rises, so nothing hides a dependency. Then, to check
    that a region is rows x columns, single pixels raised one at a time for a few cells: inside and just outside."""
    torch.manual_seed(0)
    features = torchvision.models.alexnet().features
    spatial = [f"features.{i}" for i in range(len(features))] + ["avgpool"]
    avgpool = torch.nn.AdaptiveAvgPool2d((6, 6))
    with torch.no_grad():
        for m in features:
            if isinstance(m, torch.nn.Conv2d):
                m.weight.fill_(1.0 / m.weight[0].numel())
                m.bias.zero_()

    def run(batch):
        outs, y = [], batch
        with torch.no_grad():
            for m in features:
                y = m(y)
                outs.append(y)
            outs.append(avgpool(y))
        return outs

    base = run(torch.ones(1, 3, 224, 224))
    result = {name: {"rows": None, "columns": None} for name in spatial}
    for axis, key in ((2, "rows"), (3, "columns")):
        touched = {name: [[] for _ in range(base[i].shape[axis])] for i, name in enumerate(spatial)}
        for start in range(0, 224, 28):
            batch = torch.ones(28, 3, 224, 224)
            for j in range(28):
                batch.select(axis, start + j)[j] += 1000
            outs = run(batch)
            for i, name in enumerate(spatial):
                changed = (outs[i] != base[i]).any(dim=1)  # [28, H, W]
                per_line = changed.any(dim=2 if axis == 2 else 1)  # [28, H] or [28, W]
                for j in range(28):
                    for cell in torch.nonzero(per_line[j]).flatten().tolist():
                        touched[name][cell].append(start + j)
        for name in spatial:
            result[name][key] = [[min(t), max(t)] if t else None for t in touched[name]]
            assert all(t == list(range(min(t), max(t) + 1)) for t in touched[name]), "a cell's rows are not one run"

    checks = []
    for i, name in enumerate(spatial):
        h = base[i].shape[2]
        for r, c in sorted({(0, 0), (h // 2, h // 3), (h - 1, h - 1)}):
            (top, bottom), (left, right) = result[name]["rows"][r], result[name]["columns"][c]
            pixels = [(top, left), (bottom, right), (top, right), (bottom, left), (top - 1, left), (bottom + 1, right),
                      (top, left - 1), (bottom, right + 1)]
            pixels = [(y, x) for y, x in pixels if 0 <= y < 224 and 0 <= x < 224]
            batch = torch.ones(len(pixels), 3, 224, 224)
            for j, (y, x) in enumerate(pixels):
                batch[j, :, y, x] += 1000
            changed = (run(batch)[i][:, :, r, c] != base[i][:, :, r, c]).any(dim=1).tolist()
            checks.append({"layer": name, "cell": [r, c],
                           "pixels": [{"pixel": [y, x], "changes": bool(ch)} for (y, x), ch in zip(pixels, changed)]})
    with open(os.path.join(out, "receptive_fields.json"), "w") as f:
        json.dump({"method": receptive_field_references.__doc__.split(". Then")[0] + ".",
                   "layers": result, "pixel_checks": checks}, f, indent=1)
        f.write("\n")


def generate(out):
    torch.set_num_threads(1)
    os.makedirs(out, exist_ok=True)
    model = model_seed0()

    images = [(os.path.splitext(f)[0], os.path.join(SAMPLES, f), None)
              for f in sorted(os.listdir(SAMPLES)) if f.lower().endswith((".png", ".jpg", ".jpeg"))]
    derived, refused = make_derived_images(os.path.join(out, "images"))
    images += derived
    index = []
    for name, path, reference_rgb in images:
        bundled = path.startswith(SAMPLES)
        meta = references_for(model, name, path, reference_rgb, out, full_conv1=(name == "chelsea"), layers=bundled)
        index.append({"name": name, "file": meta["file"], "mode": meta["mode"], "top5": [t["index"] for t in meta["top5"]]})
        print(f"{name:10s} {meta['mode']:5s} {meta['size']} top5={[t['label'] for t in meta['top5']]}")

    receptive_field_references(out)

    subset = {k: v.clone() for k, v in model.state_dict().items()
              if k in ("features.0.weight", "features.0.bias", "classifier.6.bias")}
    torch.save(subset, os.path.join(out, "subset.pth"))
    with open(os.path.join(out, "conv1-weight.f32"), "wb") as f:
        f.write(model.state_dict()["features.0.weight"].numpy().astype("<f4").tobytes())

    with open(os.path.join(out, "imagenet_classes.txt"), "w") as f:
        f.write("\n".join(_meta._IMAGENET_CATEGORIES) + "\n")
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump({"images": index, "refused": [{"name": n, "file": os.path.relpath(p, out), "pil": e} for n, p, e in refused]},
                  f, indent=1)
        f.write("\n")


def compare_trees(expected, actual):
    """Every file must match byte for byte: same inputs, same library versions, same numbers."""
    problems = []
    for root, _, files in os.walk(actual):
        for f in files:
            rel = os.path.relpath(os.path.join(root, f), actual)
            committed = os.path.join(expected, rel)
            if not os.path.exists(committed):
                problems.append(f"missing from the committed references: {rel}")
            elif rel.endswith(".pth"):
                # torch.save embeds a random record prefix; compare the tensors instead.
                a, b = torch.load(committed), torch.load(os.path.join(root, f))
                if a.keys() != b.keys() or any(not torch.equal(a[k], b[k]) for k in a):
                    problems.append(f"differs: {rel}")
            elif not filecmp.cmp(committed, os.path.join(root, f), shallow=False):
                problems.append(f"differs: {rel}")
    for root, _, files in os.walk(expected):
        for f in files:
            rel = os.path.relpath(os.path.join(root, f), expected)
            if not os.path.exists(os.path.join(actual, rel)):
                problems.append(f"committed but no longer produced: {rel}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="recompute into a temporary folder and compare")
    args = parser.parse_args()
    if not args.check:
        generate(args.out)
        return 0
    scratch = tempfile.mkdtemp(prefix="alexvis-oracle-")
    try:
        generate(scratch)
        problems = compare_trees(args.out, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    for p in problems:
        print("oracle drift:", p, file=sys.stderr)
    print("oracle references: " + ("DRIFTED" if problems else "unchanged"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
