import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { encodeWav } from "../../src/audio/wav.js"

/**
 * Small, fast pipelines for the report tests (seconds, not the shipped 5-minute configs):
 * a training run (synthetic plucks → tanh → split → LSTM → evaluate), sweepable over the
 * hidden size, and a dataset run over dry/wet pair files with known lags, one unreadable
 * pair, items that fail validation, and features.
 */

/** A tiny training pipeline; sweep it with --set stages.model.model.hidden=2,4. */
export const TRAIN_TOML = `
name = "report-train"
seed = 3
sample_rate = 16000

[stages.dry]
uses = "source.synthetic"
clips = 16
seconds = 0.5
level_db = -6
generators = [{ uses = "pluck", notes = 2, onsets = "random" }]

[stages.wet]
uses = "effects.chain"
from = "dry"
chain = [{ uses = "distortion.tanh", drive_db = { uniform = [6, 12] } }]

[stages.dataset]
uses = "dataset.split"
from = "wet"
train = 0.5
val = 0.25
test = 0.25

[stages.model]
uses = "train"
from = "dataset"
model = { uses = "model.rnn", cell = "lstm", hidden = 4, condition = ["drive"] }
loss = { uses = "loss.esr", pre_emphasis = "none" }
labels = { drive = { from = "fx.0.distortion.tanh.drive_db", range = [6, 12] } }
optimizer = { lr = 0.01 }
batch = 4
epochs = 3
segment = 2000
silence_db = -70
tbptt = { warmup = 200, update_every = 200 }
lr_schedule = { factor = 0.5, patience = 1 }

[stages.eval]
uses = "evaluate"
from = { model = "model", dataset = "dataset" }
examples = 2
`

/** A dataset pipeline over the pair files writePairFiles makes (in "pairs/"). */
export const DATASET_TOML = `
name = "report-dataset"
seed = 5
sample_rate = 16000

[stages.pairs]
uses = "source.pairs"
path = "pairs"
on_bad_file = "skip"

[stages.checked]
uses = "dataset.validate"
from = "pairs"
checks = ["finite", "peak"]
max_peak_db = -1
on_fail = "drop"

[stages.dataset]
uses = "dataset.split"
from = "checked"
train = 0.5
val = 0.25
test = 0.25

[stages.feats]
uses = "features"
from = "dataset"
on = "both"
mel = { n_mels = 32, log = true }
f0 = { method = "yin", fmin = 70, fmax = 1000 }
loudness = {}
`

/** The lags (samples) of the pairs writePairFiles makes, by id. */
export const PAIR_LAGS: Readonly<Record<string, number>> = { a: 0, b: 3, c: 7, d: 12, e: 0, f: 5, g: -4, h: 2 }

/**
 * dry/wet pairs in `<dir>/pairs`: a decaying 196 Hz tone (with harmonics) at rising levels,
 * the wet side tanh(2x) delayed (or early) by PAIR_LAGS (the loudest ones peak above -1 dBFS and fail
 * validation), plus input_bad/target_bad that are not WAV files (skipped).
 */
export const writePairFiles = (dir: string, sampleRate = 16000): void => {
  const folder = join(dir, "pairs")
  mkdirSync(folder, { recursive: true })
  const n = Math.round(sampleRate * 1.0)
  Object.entries(PAIR_LAGS).forEach(([id, lag], k) => {
    const level = 0.1 + 0.07 * k
    const dry = new Float32Array(n)
    for (let i = 0; i < n; i++) {
      const t = i / sampleRate
      const env = i < 40 ? i / 40 : Math.exp(-3 * t)
      dry[i] = level * env * (Math.sin(2 * Math.PI * 196 * t) + 0.4 * Math.sin(2 * Math.PI * 392 * t) + 0.2 * Math.sin(2 * Math.PI * 588 * t))
    }
    const wet = new Float32Array(n)
    for (let i = Math.max(0, lag); i < n + Math.min(0, lag); i++) wet[i] = Math.tanh(2 * dry[i - lag]!)
    writeFileSync(join(folder, `input_${id}.wav`), encodeWav({ sampleRate, channels: [dry] }))
    writeFileSync(join(folder, `target_${id}.wav`), encodeWav({ sampleRate, channels: [wet] }))
  })
  writeFileSync(join(folder, "input_bad.wav"), "not a wav file")
  writeFileSync(join(folder, "target_bad.wav"), "not a wav file either")
}
