"""The benchmark's PyTorch side: the same MNIST trainings as downhill's, tensors preloaded.

Usage:
  python3 torch_mnist.py MNIST_DATA_DIR serve [TRAIN_SIZE]
      Reads one JSON request a line on stdin, answers one JSON line on stdout:
        {"task": "mlp", "threads": 1}            one epoch with a fresh model (seed 0):
                                                 {"seconds", "accuracy"}
        {"task": "wide", "threads": 2, "steps": 20, "warmup": 5}
                                                 a fixed number of steps: {"seconds", "steps"}
      The first line out is {"torch": version, "device": ...}. Requests run one at a time,
      so the caller can interleave them with its own runs.
  python3 torch_mnist.py MNIST_DATA_DIR rss TASK THREADS [TRAIN_SIZE]
      Loads the data, trains one epoch and prints {"maxRssMiB": peak resident set size}.
DOWNHILL_TORCH_DEVICE=cuda runs it on the GPU (default: cpu).
"""
import ctypes
import json
import os
import resource
import sys
import time

import numpy as np
import torch


def read_idx(path, header):
    with open(path, "rb") as f:
        data = f.read()
    return np.frombuffer(data, dtype=np.uint8, offset=header)


def load(folder, train_size=None):
    def images(name):
        return torch.from_numpy(read_idx(os.path.join(folder, name), 16).reshape(-1, 784).astype(np.float32) / 255.0)

    def labels(name):
        return torch.from_numpy(read_idx(os.path.join(folder, name), 8).astype(np.int64))

    xtr, ytr = images("train-images-idx3-ubyte"), labels("train-labels-idx1-ubyte")
    if train_size:
        xtr, ytr = xtr[:train_size], ytr[:train_size]
    return xtr, ytr, images("t10k-images-idx3-ubyte"), labels("t10k-labels-idx1-ubyte")


DEVICE = torch.device(os.environ.get("DOWNHILL_TORCH_DEVICE", "cpu"))


def synchronize():
    if DEVICE.type == "cuda":
        torch.cuda.synchronize()


def train(model, optimizer, x, y, batch_size=128, seed=0, steps=None):
    g = torch.Generator().manual_seed(seed)
    order = torch.randperm(x.shape[0], generator=g)
    loss_fn = torch.nn.CrossEntropyLoss()
    end = x.shape[0] if steps is None else steps * batch_size
    order = order.to(x.device)
    synchronize()
    start = time.perf_counter()
    for i in range(0, end, batch_size):
        idx = order[i % x.shape[0] : i % x.shape[0] + batch_size]
        optimizer.zero_grad()
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        optimizer.step()
    synchronize()
    return time.perf_counter() - start


def accuracy(model, x, y):
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


def mlp(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


TASKS = {
    "softmax": (lambda: torch.nn.Linear(784, 10), lambda p: torch.optim.SGD(p, lr=0.1)),
    "mlp": (lambda: mlp([784, 128, 10]), lambda p: torch.optim.Adam(p, lr=1e-3)),
    "wide": (lambda: mlp([784, 1024, 1024, 10]), lambda p: torch.optim.Adam(p, lr=1e-3)),
}


def fresh(task):
    torch.manual_seed(0)
    make_model, make_optimizer = TASKS[task]
    model = make_model().to(DEVICE)
    return model, make_optimizer(model.parameters())


def openblas_libraries():
    """The OpenBLAS libraries loaded in this process (Debian's PyTorch does its products in one)."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "openblas" in line and ".so" in line}
    return [ctypes.CDLL(p) for p in sorted(paths)]


def set_threads(threads):
    """torch.set_num_threads, and the same for OpenBLAS's own thread pool: PyTorch leaves that one
    alone, so Debian's PyTorch (BLAS_INFO=generic, OpenBLAS) would multiply on every core."""
    torch.set_num_threads(threads)
    pinned = []
    for lib in openblas_libraries():
        if hasattr(lib, "openblas_set_num_threads"):
            lib.openblas_set_num_threads(threads)
            pinned.append(lib.openblas_get_num_threads())
    return pinned


def serve(data):
    xtr, ytr, xte, yte = data
    print(json.dumps({"torch": torch.__version__, "device": str(DEVICE)}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        blas_threads = set_threads(int(request["threads"]))
        model, optimizer = fresh(request["task"])
        if "steps" in request:
            if request.get("warmup"):
                train(model, optimizer, xtr, ytr, steps=int(request["warmup"]))
            seconds = train(model, optimizer, xtr, ytr, steps=int(request["steps"]))
            answer = {"seconds": seconds, "steps": int(request["steps"])}
        else:
            seconds = train(model, optimizer, xtr, ytr)
            answer = {"seconds": seconds, "accuracy": accuracy(model, xte, yte)}
        answer["threads"] = torch.get_num_threads()
        if blas_threads:
            answer["openblasThreads"] = blas_threads[0]
        print(json.dumps(answer), flush=True)


def main():
    folder, mode = sys.argv[1], sys.argv[2]
    if mode == "serve":
        serve([t.to(DEVICE) for t in load(folder, int(sys.argv[3]) if len(sys.argv) > 3 else None)])
    elif mode == "rss":
        task, threads = sys.argv[3], int(sys.argv[4])
        set_threads(threads)
        xtr, ytr, _, _ = (t.to(DEVICE) for t in load(folder, int(sys.argv[5]) if len(sys.argv) > 5 else None))
        model, optimizer = fresh(task)
        train(model, optimizer, xtr, ytr)
        print(json.dumps({"maxRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
    else:
        sys.exit(f"unknown mode {mode!r}: serve or rss")


if __name__ == "__main__":
    main()
