"""numpy/scipy baseline for `npm run bench -- features`: the same features, computed the way
librosa 0.10 computes them (vectorised numpy, numpy.fft), on the signal the TypeScript bench
wrote. Prints one JSON object {feature: {"wall": best seconds, "cpu": best CPU seconds}} over
`repeats` runs (one warm-up run first; pyin: a single run, no warm-up). CPU time is
time.process_time() (user + system of all threads, as the TypeScript side measures it).

    python3 src/bench/features_numpy.py signal.npy sample_rate [repeats] [mel,mfcc,...]
"""
import json
import sys
import time

import numpy as np
import scipy.signal
import scipy.stats
import scipy.fft


def frame(y, n, hop):
    yp = np.pad(y, (n // 2, n // 2))
    count = 1 + (len(yp) - n) // hop
    return np.lib.stride_tricks.as_strided(yp, shape=(n, count), strides=(yp.strides[0], hop * yp.strides[0]))


def mel_filters(sr, n_fft, n_mels=128):
    def hz_to_mel(f):
        f = np.asanyarray(f, dtype=float)
        return np.where(f >= 1000, 15 + np.log(np.maximum(f, 1e-9) / 1000) / (np.log(6.4) / 27), f / (200 / 3))

    def mel_to_hz(m):
        return np.where(m >= 15, 1000 * np.exp(np.log(6.4) / 27 * (m - 15)), m * 200 / 3)

    fft = np.linspace(0, sr / 2, 1 + n_fft // 2)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(0), hz_to_mel(sr / 2), n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fft)
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    w = np.maximum(0, np.minimum(lower, upper))
    return (w * (2.0 / (mel_f[2:] - mel_f[:-2]))[:, None]).astype(np.float32)


def melspec(y, sr, basis):
    win = scipy.signal.get_window("hann", 2048, fftbins=True).astype(np.float32)
    S = np.abs(np.fft.rfft(win[:, None] * frame(y, 2048, 512), axis=0)) ** 2
    return basis @ S.astype(np.float32)


def mfcc(y, sr, basis):
    S = melspec(y, sr, basis)
    db = 10 * np.log10(np.maximum(1e-10, S))
    db = np.maximum(db, db.max() - 80)
    return scipy.fft.dct(db, axis=0, type=2, norm="ortho")[:20]


def cmnd(y, sr, fmin=65.0, fmax=2093.0, L=2048, hop=512):
    W = L // 2
    frames = frame(y, L, hop)
    min_p = max(int(np.floor(sr / fmax)), 1)
    max_p = min(int(np.ceil(sr / fmin)), L - W - 1)
    a = np.fft.rfft(frames, L, axis=0)
    b = np.fft.rfft(frames[W:0:-1, :], L, axis=0)
    acf = np.fft.irfft(a * b, L, axis=0)[W:]
    acf[np.abs(acf) < 1e-6] = 0
    e = np.cumsum(frames.astype(np.float64) ** 2, axis=0)
    e = e[W:] - e[:-W]
    e[np.abs(e) < 1e-6] = 0
    d = e[:1] + e - 2 * acf
    num = d[min_p : max_p + 1]
    den = (np.cumsum(d[1 : max_p + 1], axis=0) / np.arange(1, max_p + 1)[:, None])[min_p - 1 : max_p]
    c = num / (den + np.finfo(float).tiny)
    # parabolic shifts
    sh = np.zeros_like(c)
    aa = c[2:] + c[:-2] - 2 * c[1:-1]
    bb = (c[2:] - c[:-2]) / 2
    ok = np.abs(bb) < np.abs(aa)
    sh[1:-1][ok] = -bb[ok] / aa[ok]
    return c, sh, min_p


def localmin(c):
    t = np.zeros_like(c, dtype=bool)
    t[1:-1] = (c[1:-1] < c[:-2]) & (c[1:-1] <= c[2:])
    t[-1] = c[-1] < c[-2]
    t[0] = c[0] < c[1]
    return t


def yin(y, sr):
    c, sh, min_p = cmnd(y, sr)
    trough = localmin(c) & (c < 0.1)
    period = np.argmax(trough, axis=0)
    none = ~trough.any(axis=0)
    period[none] = np.argmin(c, axis=0)[none]
    cols = np.arange(c.shape[1])
    return sr / (min_p + period + sh[period, cols])


def pyin(y, sr, fmin=65.0, fmax=2093.0, hop=512):
    c, sh, min_p = cmnd(y, sr, fmin, fmax)
    thresholds = np.linspace(0, 1, 101)
    beta_probs = np.diff(scipy.stats.beta.cdf(thresholds, 2, 18))
    n_bins = int(np.floor(120 * np.log2(fmax / fmin))) + 1
    n_frames = c.shape[1]
    obs = np.zeros((2 * n_bins, n_frames))
    vp = np.zeros(n_frames)
    troughs_all = localmin(c)
    for i in range(n_frames):  # librosa's per-frame loop
        idx = np.nonzero(troughs_all[:, i])[0]
        if len(idx) == 0:
            continue
        h = c[idx, i]
        below = np.less.outer(h, thresholds[1:])
        pos = np.cumsum(below, axis=0) - 1
        n_tr = np.count_nonzero(below, axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            prior = scipy.stats.boltzmann.pmf(pos, 2, n_tr)
        prior[~below] = 0
        probs = prior.dot(beta_probs)
        g = np.argmin(h)
        probs[g] += 0.01 * np.sum(beta_probs[: np.count_nonzero(~below[g])])
        f0 = sr / (min_p + idx + sh[idx, i])
        bins = np.clip(np.round(120 * np.log2(f0 / fmin)), 0, n_bins).astype(int)
        keep = (bins < n_bins) & (probs > 0)
        obs[bins[keep], i] = probs[keep]
        vp[i] = min(1.0, obs[:n_bins, i].sum())
    obs[n_bins:] = (1 - vp) / n_bins
    width = round(35.92 * 12 * hop / sr) * 10 + 1
    tri = scipy.signal.windows.triang(width)
    T = np.zeros((n_bins, n_bins))
    for i in range(n_bins):  # librosa.sequence.transition_local(wrap=False)
        lo, hi = max(0, i - width // 2), min(n_bins, i + width // 2 + 1)
        T[i, lo:hi] = tri[lo - i + width // 2 : hi - i + width // 2]
    T /= T.sum(axis=1, keepdims=True)
    trans = np.kron(np.array([[0.99, 0.01], [0.01, 0.99]]), T)
    tiny = np.finfo(float).tiny
    log_t = np.log(trans + tiny).T.copy()
    log_o = np.log(obs + tiny)
    p_init = np.zeros(2 * n_bins)
    p_init[n_bins:] = 1 / n_bins
    v = log_o[:, 0] + np.log(p_init + tiny)
    ptr = np.empty((n_frames, 2 * n_bins), dtype=np.int32)
    for t in range(1, n_frames):  # dense Viterbi, as librosa.sequence.viterbi
        m = v[None, :] + log_t
        ptr[t] = np.argmax(m, axis=1)
        v = m[np.arange(2 * n_bins), ptr[t]] + log_o[:, t]
    states = np.empty(n_frames, dtype=np.int32)
    states[-1] = np.argmax(v)
    for t in range(n_frames - 1, 0, -1):
        states[t - 1] = ptr[t, states[t]]
    return states


def lufs(y, sr):
    f0, G, Q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    K = np.tan(np.pi * f0 / sr)
    Vh = 10 ** (G / 20)
    Vb = Vh**0.4996667741545416
    a0 = 1 + K / Q + K * K
    b1 = [(Vh + Vb * K / Q + K * K) / a0, 2 * (K * K - Vh) / a0, (Vh - Vb * K / Q + K * K) / a0]
    a1 = [1, 2 * (K * K - 1) / a0, (1 - K / Q + K * K) / a0]
    f0, Q = 38.13547087602444, 0.5003270373238773
    K = np.tan(np.pi * f0 / sr)
    a0 = 1 + K / Q + K * K
    a2 = [1, 2 * (K * K - 1) / a0, (1 - K / Q + K * K) / a0]
    z = scipy.signal.lfilter([1, -2, 1], a2, scipy.signal.lfilter(b1, a1, y.astype(np.float64)))
    step = int(round(0.1 * sr))
    blocks = np.add.reduceat(z[: len(z) // step * step] ** 2, np.arange(0, len(z) // step * step, step))
    ms = np.convolve(blocks, np.ones(4), "valid") / (4 * step)
    lk = -0.691 + 10 * np.log10(ms)
    ms = ms[lk > -70]
    rel = -0.691 + 10 * np.log10(ms.mean()) - 10
    return -0.691 + 10 * np.log10(ms[-0.691 + 10 * np.log10(ms) > rel].mean())


def main():
    y = np.load(sys.argv[1]).astype(np.float32)
    sr = int(sys.argv[2])
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    basis = mel_filters(sr, 2048)
    jobs = {
        "mel": lambda: melspec(y, sr, basis),
        "mfcc": lambda: mfcc(y, sr, basis),
        "yin": lambda: yin(y, sr),
        "pyin": lambda: pyin(y, sr),
        "lufs": lambda: lufs(y, sr),
    }
    only = sys.argv[4].split(",") if len(sys.argv) > 4 and sys.argv[4] else list(jobs)
    out = {}
    for name in only:
        if name != "pyin":
            jobs[name]()  # warm-up: first-call costs (imports, caches) are not throughput
        wall = cpu = float("inf")
        for _ in range(1 if name == "pyin" else repeats):
            c = time.process_time()
            t = time.perf_counter()
            jobs[name]()
            wall = min(wall, time.perf_counter() - t)
            cpu = min(cpu, time.process_time() - c)
        out[name] = {"wall": wall, "cpu": cpu}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
