"""The CNN benchmark's PyTorch side: the same CNN as downhill's models.cnn(), Adam lr 1e-3, batch 64.

Usage: python3 torch_cnn_mnist.py MNIST_DATA_DIR EPOCHS  -> one JSON object: epoch times and test accuracy after each.
DOWNHILL_TORCH_DEVICE=cuda runs it on the GPU (default: cpu).
"""
import json
import sys

import torch

from torch_mnist import DEVICE, accuracy, load, train


def cnn():
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 8, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(8, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(7 * 7 * 16, 10),
    )


def main(epochs):
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


if __name__ == "__main__":
    main(int(sys.argv[2]))
