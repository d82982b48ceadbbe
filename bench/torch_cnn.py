#!/usr/bin/python3
"""The benchmark CNN of agecnn.bench.BenchCnn (not the notebooks' baseline) in PyTorch, timed the way SpeedBench times DL4J.

3x [conv3x3 same + relu + maxpool2] (32/64/128), dense 128 relu, linear to the classes
(softmax inside the cross-entropy loss), Adam 1e-3, float32, NCHW, random data of the given
shape. Prints one JSON line: train and inference images/s, peak RSS of this process.

Run with Debian's /usr/bin/python3 (PyTorch 1.13), e.g.
  OMP_NUM_THREADS=2 /usr/bin/python3 bench/torch_cnn.py --size 64 --batch 32 --threads 2
Add --profile to print the per-op times of a few training steps (to stderr).
"""
import argparse
import json
import resource
import statistics
import sys
import time

import torch
from torch import nn


def baseline_cnn(size, classes, filters=(32, 64, 128), dense=128):
    layers, channels = [], 3
    for f in filters:
        layers += [nn.Conv2d(channels, f, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
        channels = f
    side = size >> len(filters)
    layers += [nn.Flatten(), nn.Linear(channels * side * side, dense), nn.ReLU(), nn.Linear(dense, classes)]
    return nn.Sequential(*layers)


def images_per_second(step, batch, warmup, min_seconds, min_iters):
    """Images/s from the median step and from the fastest step, as SpeedBench does for DL4J."""
    for _ in range(warmup):
        step()
    times, start = [], time.perf_counter()
    while True:
        t = time.perf_counter()
        step()
        times.append(time.perf_counter() - t)
        if len(times) >= min_iters and time.perf_counter() - start >= min_seconds:
            return batch / statistics.median(times), batch / min(times)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--classes", type=int, default=12)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--min-iters", type=int, default=5)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--profile", action="store_true")
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    model = baseline_cnn(a.size, a.classes)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.rand(a.batch, 3, a.size, a.size)
    y = torch.randint(0, a.classes, (a.batch,))

    def train_step():
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()

    def infer_step():
        with torch.no_grad():
            model(x)

    model.train()
    train = images_per_second(train_step, a.batch, a.warmup, a.seconds, a.min_iters)
    model.eval()
    infer = images_per_second(infer_step, a.batch, a.warmup, a.seconds / 2, a.min_iters)

    if a.profile:
        model.train()
        from torch.profiler import profile, ProfilerActivity
        with profile(activities=[ProfilerActivity.CPU]) as prof:
            for _ in range(5):
                train_step()
        print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=20), file=sys.stderr)

    print(json.dumps({
        "engine": "pytorch " + torch.__version__,
        "size": a.size, "batch": a.batch, "threads": torch.get_num_threads(),
        "train_ips": round(train[0], 2), "infer_ips": round(infer[0], 2),
        "train_ips_best": round(train[1], 2), "infer_ips_best": round(infer[1], 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))


if __name__ == "__main__":
    main()
