#!/usr/bin/python3
"""PyTorch's (Debian's torch 1.13) plain AlexNet forward time, for AlexVis.Bench's ratio.

    /usr/bin/python3 tools/oracle/bench_forward.py CROP.png --threads 2 --iterations 50
    /usr/bin/python3 tools/oracle/bench_forward.py CROP.png --threads 2 --serve

Prints one line: pytorch_forward_ms_median=<ms>. Same input (the 224×224 crop, normalised as torchvision does),
same seed-0 weights, batch 1, no_grad, eval mode. With --serve it stays alive for AlexVis.Bench, which alternates
rounds of its own forward with rounds of this one: it prints "ready", then answers each line "run N [WARM_MS]" with
the median of N forwards, as "median=<ms>", after unmeasured forwards for WARM_MS milliseconds (0 by default),
until its input closes.
"""
import sys
import argparse
import statistics
import time

import torch
import torchvision
from PIL import Image
from torchvision import transforms


def main():
    p = argparse.ArgumentParser()
    p.add_argument("crop")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--iterations", type=int, default=50)
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--serve", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = torchvision.models.alexnet().eval()
    x = transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])(
        transforms.ToTensor()(Image.open(a.crop).convert("RGB"))).unsqueeze(0)
    def run(n, warm_ms=0.0):
        times = []
        with torch.no_grad():
            warm_until = time.perf_counter() + warm_ms / 1000
            while time.perf_counter() < warm_until:
                model(x)
            for _ in range(n):
                start = time.perf_counter()
                model(x)
                times.append((time.perf_counter() - start) * 1000)
        return statistics.median(times)

    if a.serve:
        run(a.warmup)
        print("ready", flush=True)
        for line in sys.stdin:
            words = line.split()
            if len(words) in (2, 3) and words[0] == "run":
                warm = float(words[2]) if len(words) == 3 else 0.0
                print(f"median={run(int(words[1]), warm):.4f}", flush=True)
        return
    times = []
    with torch.no_grad():
        for i in range(a.warmup + a.iterations):
            start = time.perf_counter()
            model(x)
            if i >= a.warmup:
                times.append((time.perf_counter() - start) * 1000)
    print(f"pytorch_forward_ms_median={statistics.median(times):.2f}")


if __name__ == "__main__":
    main()
