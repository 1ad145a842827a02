"""PyTorch reference for FusionRec's EfficientNet-Lite0 image encoder.

Usage:
  efficientnet_reference.py fixtures PTH SKIMAGE_WHEEL OUT_DIR
      Writes the test images (real photographs from scikit-image's wheel, re-encoded
      smaller, and synthetic edge cases) and reference.json (per image: the FNV-1a hash of
      Pillow's decoded RGB pixels, the 1,280 pooled features, top-5 classes and logits).
  efficientnet_reference.py embed PTH IMAGE...
      Prints one JSON line per image: features and logits (for ad-hoc comparisons).
  efficientnet_reference.py throughput PTH BATCH REPEATS
      Images per second of the PyTorch model on torch.get_num_threads() threads.

The network is written here from the state dict with PyTorch's own operators
(F.conv2d with TensorFlow "SAME" padding, F.batch_norm with eps 1e-3, ReLU6), unfused,
in float32. Decoding is Pillow's `Image.open(path).convert("RGB")`; preprocessing is the
TensorFlow EfficientNet-Lite evaluation recipe (centre crop 224/256 of the shorter side,
bicubic a = -0.5 with half-pixel centres and renormalised edge taps, (v - 127)/128),
written with dense resampling matrices in float64 — an independent formulation of what
EfficientNetLiteEncoder.preprocessed does.
"""
import io
import json
import math
import sys
import time
import zipfile

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

STAGES = [(1, 3, 1, 1, 32, 16), (2, 3, 2, 6, 16, 24), (2, 5, 2, 6, 24, 40), (3, 3, 2, 6, 40, 80),
          (3, 5, 1, 6, 80, 112), (4, 5, 2, 6, 112, 192), (1, 3, 1, 6, 192, 320)]
EPS = 1e-3
SIZE = 224


def load_state(path):
    return {k: v.float() for k, v in torch.load(path, map_location="cpu", weights_only=False).items()
            if v.dtype.is_floating_point}


def same_pad(x, kernel, stride):
    _, _, h, w = x.shape
    oh, ow = math.ceil(h / stride), math.ceil(w / stride)
    ph = max((oh - 1) * stride + kernel - h, 0)
    pw = max((ow - 1) * stride + kernel - w, 0)
    return F.pad(x, [pw // 2, pw - pw // 2, ph // 2, ph - ph // 2])


def conv_bn(sd, x, conv, bn, stride=1, groups=1, act=True):
    weight = sd[conv + ".weight"]
    x = F.conv2d(same_pad(x, weight.shape[-1], stride), weight, None, stride, 0, 1, groups)
    x = F.batch_norm(x, sd[bn + ".running_mean"], sd[bn + ".running_var"], sd[bn + ".weight"], sd[bn + ".bias"],
                     False, 0.0, EPS)
    return F.relu6(x) if act else x


def forward(sd, x):
    """x: N×3×224×224 normalised; returns (pooled features N×1280, logits N×1000)."""
    x = conv_bn(sd, x, "_conv_stem", "_bn0", stride=2)
    index = 0
    for repeats, kernel, stride, expand, cin, cout in STAGES:
        for r in range(repeats):
            p = f"_blocks.{index}."
            inp = x
            if expand != 1:
                x = conv_bn(sd, x, p + "_expand_conv", p + "_bn0")
            x = conv_bn(sd, x, p + "_depthwise_conv", p + "_bn1", stride=stride if r == 0 else 1, groups=x.shape[1])
            x = conv_bn(sd, x, p + "_project_conv", p + "_bn2", act=False)
            if r > 0:
                x = x + inp
            index += 1
    x = conv_bn(sd, x, "_conv_head", "_bn1")
    pooled = x.mean(dim=(2, 3))
    return pooled, F.linear(pooled, sd["_fc.weight"], sd["_fc.bias"])


def resize_matrix(source, target):
    a = -0.5

    def cubic(d):
        d = abs(d)
        if d <= 1:
            return (a + 2) * d ** 3 - (a + 3) * d ** 2 + 1
        if d < 2:
            return a * d ** 3 - 5 * a * d ** 2 + 8 * a * d - 4 * a
        return 0.0

    m = np.zeros((target, source))
    scale = source / target
    for o in range(target):
        center = (o + 0.5) * scale - 0.5
        base = math.floor(center)
        weights = {}
        for i in range(base - 1, base + 3):
            if 0 <= i < source:
                weights[i] = cubic(center - i)
        total = sum(weights.values())
        for i, w in weights.items():
            m[o, i] += w / total if total != 0 else 0
    return m


def preprocess(rgb):
    h, w, _ = rgb.shape
    side = max(1, min(h, w) * 7 // 8)
    top, left = (h - side + 1) // 2, (w - side + 1) // 2
    crop = rgb[top:top + side, left:left + side].astype(np.float64)
    r = resize_matrix(side, SIZE)
    out = np.einsum("yi,ijc,xj->yxc", r, crop, r)
    return ((out - 127.0) / 128.0).astype(np.float32)


def decode(data):
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def fnv1a(data):
    h = 0xCBF29CE484222325
    for byte in data:
        h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def embed(sd, arrays):
    batch = torch.from_numpy(np.stack([preprocess(a) for a in arrays])).permute(0, 3, 1, 2).contiguous()
    with torch.no_grad():
        pooled, logits = forward(sd, batch)
    return pooled.numpy(), logits.numpy()


def save(image, path, **options):
    image.save(path, **options)
    with open(path, "rb") as f:
        return f.read()


def make_fixtures(pth, wheel, out):
    sd = load_state(pth)
    archive = zipfile.ZipFile(wheel)

    def sample(name):
        return Image.open(io.BytesIO(archive.read("skimage/data/" + name)))

    def shrink(image, longest):
        scale = longest / max(image.size)
        return image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))), Image.LANCZOS)

    entries = []  # (file name, kind, description, bytes)
    photos = [("astronaut.png", "astronaut"), ("chelsea.png", "cat"), ("coffee.png", "coffee cup"),
              ("motorcycle_left.png", "motorcycle"), ("rocket.jpg", "rocket launch")]
    for name, what in photos:
        image = shrink(sample(name).convert("RGB"), 320)
        file = name.split(".")[0] + ".jpg"
        entries.append((file, "photo", f"scikit-image {name} ({what}), 320 px, JPEG q90",
                        save(image, f"{out}/{file}", quality=90)))
    rng = np.random.default_rng(17)
    one = Image.fromarray(np.array([[[200, 30, 90]]], dtype=np.uint8))
    entries.append(("one-pixel.png", "edge", "1 × 1 RGB PNG", save(one, f"{out}/one-pixel.png")))
    wide = sample("chelsea.png").convert("RGB").crop((0, 150, 451, 180)).resize((900, 24), Image.LANCZOS)
    entries.append(("wide.jpg", "edge", "900 × 24 JPEG strip of chelsea", save(wide, f"{out}/wide.jpg", quality=92)))
    tall = sample("coffee.png").convert("RGB").crop((280, 0, 300, 400))
    entries.append(("tall.png", "edge", "20 × 400 PNG strip of coffee", save(tall, f"{out}/tall.png")))
    gray = shrink(sample("camera.png"), 256)
    entries.append(("camera-gray.png", "edge", "grayscale PNG (scikit-image camera)", save(gray, f"{out}/camera-gray.png")))
    rgba = shrink(sample("coffee.png").convert("RGB"), 200).convert("RGBA")
    alpha = (np.linspace(0, 255, rgba.width)[None, :].repeat(rgba.height, 0)).astype(np.uint8)
    rgba.putalpha(Image.fromarray(alpha))
    entries.append(("coffee-alpha.png", "edge", "RGBA PNG, alpha ramp (dropped)", save(rgba, f"{out}/coffee-alpha.png")))
    palette = shrink(sample("chelsea.png").convert("RGB"), 160).convert("P", palette=Image.ADAPTIVE, colors=64)
    entries.append(("chelsea-palette.png", "edge", "64-colour palette PNG", save(palette, f"{out}/chelsea-palette.png")))
    progressive = shrink(sample("astronaut.png").convert("RGB"), 256)
    entries.append(("astronaut-progressive.jpg", "edge", "progressive JPEG",
                    save(progressive, f"{out}/astronaut-progressive.jpg", quality=85, progressive=True)))
    cmyk = shrink(sample("motorcycle_left.png").convert("RGB"), 200).convert("CMYK")
    entries.append(("motorcycle-cmyk.jpg", "edge", "CMYK JPEG (Adobe marker)",
                    save(cmyk, f"{out}/motorcycle-cmyk.jpg", quality=90)))
    grayjpeg = shrink(sample("camera.png"), 180)
    entries.append(("camera-gray.jpg", "edge", "grayscale JPEG", save(grayjpeg, f"{out}/camera-gray.jpg", quality=90)))
    noise = Image.fromarray(rng.integers(0, 256, (97, 131, 3), dtype=np.uint8))
    entries.append(("noise.png", "edge", "131 × 97 uniform noise PNG", save(noise, f"{out}/noise.png")))

    arrays = [decode(data) for _, _, _, data in entries]
    pooled, logits = embed(sd, arrays)
    images = []
    for (file, kind, description, _), array, features, scores in zip(entries, arrays, pooled, logits):
        order = np.argsort(-scores)[:5]
        images.append({
            "file": file, "kind": kind, "description": description,
            "width": int(array.shape[1]), "height": int(array.shape[0]),
            "pixels_fnv1a": fnv1a(array.tobytes()),
            "features": [float(f"{v:.7g}") for v in features],
            "top5": [int(i) for i in order], "top5_logits": [float(f"{scores[i]:.6g}") for i in order],
        })
        print(f"{file:28s} {array.shape[1]}×{array.shape[0]} top1 {order[0]} margin {scores[order[0]] - scores[order[1]]:.3f}",
              file=sys.stderr)
    return images


def main():
    mode = sys.argv[1]
    if mode == "fixtures":
        pth, wheel, out = sys.argv[2:5]
        images = make_fixtures(pth, wheel, out + "/images")
        with open(pth, "rb") as f:
            import hashlib
            pth_sha = hashlib.sha256(f.read()).hexdigest()
        reference = {
            "model": {"pth_sha256": pth_sha, "safetensors_sha256": sys.argv[5] if len(sys.argv) > 5 else "",
                      "torch": torch.__version__},
            "tolerance": {"min_cosine": 0.9999},
            "images": images,
        }
        with open(out + "/reference.json", "w") as f:
            json.dump(reference, f, separators=(",", ":"))
            f.write("\n")
    elif mode == "embed":
        sd = load_state(sys.argv[2])
        for path in sys.argv[3:]:
            with open(path, "rb") as f:
                pooled, logits = embed(sd, [decode(f.read())])
            print(json.dumps({"file": path, "features": pooled[0].tolist(), "top1": int(logits[0].argmax())}))
    elif mode == "accuracy":
        reference = json.load(open(sys.argv[2]))
        expected = {image["file"]: image for image in reference["images"]}
        worst = 1.0
        agree = True
        for line in open(sys.argv[3]):
            row = json.loads(line)
            image = expected[row["file"].rsplit("/", 1)[-1]]
            a, b = np.array(row["features"], dtype=np.float64), np.array(image["features"], dtype=np.float64)
            cosine = float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
            worst = min(worst, cosine)
            same = row["top1"] == image["top5"][0]
            agree &= same or image["kind"] != "photo"
            largest = float(np.abs(a - b).max() / np.abs(b).max())
            print(f"{image['file']:28s} {image['kind']:5s} 1 - cosine {1 - cosine:.1e}  max |diff|/max|ref| "
                  f"{largest:.1e}  top-1 swift {row['top1']:4d} torch {image['top5'][0]:4d} "
                  f"{'same' if same else 'DIFFERENT'}")
        print(f"minimum cosine {worst:.9f} (1 - cosine {1 - worst:.1e}); top-1 agrees on every photograph: {agree}")
    elif mode == "throughput":
        sd = load_state(sys.argv[2])
        batch, repeats = int(sys.argv[3]), int(sys.argv[4])
        results = []
        for layout in ("NCHW", "channels-last"):
            x = torch.randn(batch, 3, SIZE, SIZE)
            weights = sd
            if layout == "channels-last":
                x = x.contiguous(memory_format=torch.channels_last)
                weights = {k: v.contiguous(memory_format=torch.channels_last) if v.dim() == 4 else v
                           for k, v in sd.items()}
            with torch.no_grad():
                # oneDNN builds its primitives and the thread pool spins up over the first
                # calls: the first call can take 10x the steady time, so warm up longer.
                for _ in range(max(2, 64 // batch)):
                    forward(weights, x)
                times, cpu = [], []
                for _ in range(repeats):
                    start, cpu_start = time.perf_counter(), time.process_time()
                    forward(weights, x)
                    times.append(time.perf_counter() - start)
                    cpu.append(time.process_time() - cpu_start)
            results.append((sorted(times)[len(times) // 2], sorted(cpu)[len(cpu) // 2], layout))
        best, cpu_best, layout = min(results)
        print(f"torch threads={torch.get_num_threads()} batch={batch} {layout} (faster of NCHW "
              f"{results[0][0] * 1000:.1f} ms, channels-last {results[1][0] * 1000:.1f} ms) median {best * 1000:.1f} ms "
              f"= {batch / best:.2f} images/s, {cpu_best / batch:.4f} cpu s/image")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
