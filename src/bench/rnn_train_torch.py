#!/usr/bin/env python3
"""The PyTorch CPU peer of the training part of `npm run bench -- rnn`: an nn.LSTM with a dense
head, batch B of T-step windows, MSE loss, Adam, on THREADS threads (torch.set_num_threads).
One warm-up step, then STEPS timed steps (forward, backward, optimizer step); prints the
seconds they took (time.perf_counter).

  python3 rnn_train_torch.py HIDDEN BATCH STEPS_PER_WINDOW STEPS THREADS
"""
import sys
import time

import torch

hidden, batch, window, steps, threads = (int(a) for a in sys.argv[1:6])
torch.set_num_threads(threads)
torch.manual_seed(1)
rnn = torch.nn.LSTM(1, hidden, batch_first=True)
head = torch.nn.Linear(hidden, 1)
params = list(rnn.parameters()) + list(head.parameters())
opt = torch.optim.Adam(params, lr=1e-3)
t = torch.arange(batch * window, dtype=torch.float32).reshape(batch, window, 1)
x = 0.5 * torch.sin(2 * torch.pi * 110 * t / 48000) + 0.05 * torch.randn(batch, window, 1)
target = torch.tanh(3 * x)


def step():
    opt.zero_grad()
    loss = torch.mean((head(rnn(x)[0]) - target) ** 2)
    loss.backward()
    opt.step()


step()
t0 = time.perf_counter()
for _ in range(steps):
    step()
print(f"{time.perf_counter() - t0:.6f}")
