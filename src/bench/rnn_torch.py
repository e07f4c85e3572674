#!/usr/bin/env python3
"""The PyTorch CPU peer of `npm run bench -- rnn`: one thread, one nn.LSTM / nn.GRU call over
the whole sequence plus the dense head, the same shapes as ours. Prints the seconds of one
timed call (after one warm-up call on the same input), measured with time.perf_counter.

  python3 rnn_torch.py CELL HIDDEN SAMPLES
"""
import sys
import time

import torch

cell, hidden, samples = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(1)
torch.manual_seed(1)
rnn = (torch.nn.LSTM if cell == "lstm" else torch.nn.GRU)(1, hidden, batch_first=True)
head = torch.nn.Linear(hidden, 1)
t = torch.arange(samples, dtype=torch.float32)
x = (0.5 * torch.sin(2 * torch.pi * 110 * t / 48000)).reshape(1, samples, 1)
with torch.no_grad():
    head(rnn(x)[0])
    t0 = time.perf_counter()
    y = head(rnn(x)[0]) + x
    seconds = time.perf_counter() - t0
print(f"{seconds:.6f}")
