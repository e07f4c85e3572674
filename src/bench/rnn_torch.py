#!/usr/bin/env python3
"""The PyTorch CPU peer of `npm run bench -- rnn`: one thread, one call over the whole
sequence, the same shapes as ours. Prints the seconds of one timed call (after one warm-up
call on the same input), measured with time.perf_counter.

  python3 rnn_torch.py lstm|gru HIDDEN SAMPLES   one nn.LSTM / nn.GRU call plus the dense head
  python3 rnn_torch.py wavenet 0 SAMPLES         NAM's standard WaveNet (random weights) as the
                                                 trainer computes it: whole-sequence Conv1d layers
                                                 over the input preceded by the receptive field
                                                 of zeros (nam/models/wavenet.py's layout)
"""
import sys
import time

import torch

cell, hidden, samples = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(1)
torch.manual_seed(1)
t = torch.arange(samples, dtype=torch.float32)
x = (0.5 * torch.sin(2 * torch.pi * 110 * t / 48000)).reshape(1, samples, 1)


class Layer(torch.nn.Module):
    """One dilated layer: z = conv(x) + mixer(c); post = tanh(z); x + 1x1(post), and post for the head."""

    def __init__(self, channels, kernel_size, dilation):
        super().__init__()
        self.conv = torch.nn.Conv1d(channels, channels, kernel_size, dilation=dilation)
        self.mixer = torch.nn.Conv1d(1, channels, 1, bias=False)
        self.one_by_one = torch.nn.Conv1d(channels, channels, 1)

    def forward(self, x, c, out_length):
        z = self.conv(x)
        z = z + self.mixer(c)[:, :, -z.shape[2]:]
        post = torch.tanh(z)
        return x[:, :, -post.shape[2]:] + self.one_by_one(post), post[:, :, -out_length:]


class LayerArray(torch.nn.Module):
    def __init__(self, input_size, channels, head_size, head_bias, dilations):
        super().__init__()
        self.rechannel = torch.nn.Conv1d(input_size, channels, 1, bias=False)
        self.layers = torch.nn.ModuleList([Layer(channels, 3, d) for d in dilations])
        self.head_rechannel = torch.nn.Conv1d(channels, head_size, 1, bias=head_bias)
        self.shrink = 2 * sum(dilations)

    def forward(self, x, c, head_input):
        out_length = x.shape[2] - self.shrink
        x = self.rechannel(x)
        for layer in self.layers:
            x, head_term = layer(x, c, out_length)
            head_input = head_term if head_input is None else head_input[:, :, -out_length:] + head_term
        return self.head_rechannel(head_input), x


if cell == "wavenet":
    # The trainer's standard config: 16 then 8 channels, kernel 3, dilations 1..512 in each array, Tanh, not gated.
    dilations = [2**i for i in range(10)]
    arrays = [LayerArray(1, 16, 8, False, dilations), LayerArray(16, 8, 1, True, dilations)]
    rf = 1 + sum(a.shrink for a in arrays)
    audio = torch.cat([torch.zeros(1, 1, rf - 1), x.reshape(1, 1, samples)], dim=2)

    def run():
        y, head = audio, None
        for a in arrays:
            head, y = a(y, audio, head)
        return 0.02 * head

else:
    rnn = (torch.nn.LSTM if cell == "lstm" else torch.nn.GRU)(1, hidden, batch_first=True)
    head = torch.nn.Linear(hidden, 1)

    def run():
        return head(rnn(x)[0]) + x


with torch.no_grad():
    run()
    t0 = time.perf_counter()
    y = run()
    seconds = time.perf_counter() - t0
    assert y.numel() == samples
print(f"{seconds:.6f}")
