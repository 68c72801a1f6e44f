"""The benchmark's PyTorch side: the same MNIST trainings as downhill's, tensors preloaded.

Usage: python3 torch_mnist.py MNIST_DATA_DIR [REPEATS] [WARMUP]  -> one JSON object on stdout.
       python3 torch_mnist.py MNIST_DATA_DIR --cnn EPOCHS  -> the CNN of models.cnn, epoch times and test accuracy.
DOWNHILL_TORCH_DEVICE=cuda runs it on the GPU (default: cpu).
"""
import json
import os
import sys
import time

import numpy as np
import torch


def read_idx(path, header):
    with open(path, "rb") as f:
        data = f.read()
    return np.frombuffer(data, dtype=np.uint8, offset=header)


def load(folder):
    def images(name):
        return torch.from_numpy(read_idx(os.path.join(folder, name), 16).reshape(-1, 784).astype(np.float32) / 255.0)

    def labels(name):
        return torch.from_numpy(read_idx(os.path.join(folder, name), 8).astype(np.int64))

    return (
        images("train-images-idx3-ubyte"),
        labels("train-labels-idx1-ubyte"),
        images("t10k-images-idx3-ubyte"),
        labels("t10k-labels-idx1-ubyte"),
    )


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
        idx = order[i : i + batch_size]
        optimizer.zero_grad()
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        optimizer.step()
    synchronize()
    return time.perf_counter() - start


def accuracy(model, x, y):
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


TASKS = {
    "softmax": (lambda: torch.nn.Linear(784, 10), lambda p: torch.optim.SGD(p, lr=0.1)),
    "mlp": (
        lambda: torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10)),
        lambda p: torch.optim.Adam(p, lr=1e-3),
    ),
}


def cnn():
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 8, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(8, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(7 * 7 * 16, 10),
    )


def main_cnn(epochs):
    """The same CNN as downhill's models.cnn(), Adam lr 1e-3, batch 64: each epoch's time, test accuracy after it."""
    xtr, ytr, xte, yte = (t.to(DEVICE) for t in load(sys.argv[1]))
    xtr, xte = xtr.reshape(-1, 1, 28, 28), xte.reshape(-1, 1, 28, 28)
    torch.manual_seed(0)
    model = cnn().to(DEVICE)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    seconds, acc = [], []
    for epoch in range(1, epochs + 1):
        seconds.append(train(model, optimizer, xtr, ytr, batch_size=64, seed=epoch))
        acc.append(accuracy(model, xte, yte))
    json.dump({"torch": torch.__version__, "threads": torch.get_num_threads(), "device": str(DEVICE), "epochSeconds": seconds, "testAccuracy": acc}, sys.stdout)


def main():
    if len(sys.argv) > 2 and sys.argv[2] == "--cnn":
        return main_cnn(int(sys.argv[3]))
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    warmup = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    xtr, ytr, xte, yte = (t.to(DEVICE) for t in load(sys.argv[1]))
    results = {"torch": torch.__version__, "threads": torch.get_num_threads(), "device": str(DEVICE), "runs": {}}
    for name, (make_model, make_optimizer) in TASKS.items():
        torch.manual_seed(0)
        warm = make_model().to(DEVICE)
        train(warm, make_optimizer(warm.parameters()), xtr, ytr, steps=warmup)
        times, acc = [], None
        for _ in range(repeats):
            torch.manual_seed(0)
            model = make_model().to(DEVICE)
            times.append(train(model, make_optimizer(model.parameters()), xtr, ytr))
            acc = accuracy(model, xte, yte)
        results["runs"][name] = {"seconds": sorted(times)[len(times) // 2], "all": times, "accuracy": acc}
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
