import type { EffectDefinition } from "../effect-definition.js"
import { number, object } from "../../params/schema.js"
import { timeCoefficient } from "../../dsp/envelope.js"
import { dbToGain } from "../../dsp/decibels.js"

export interface LimiterParams {
  readonly threshold_db: number
  readonly release_ms: number
  readonly lookahead_ms: number
}

/**
 * Look-ahead brick-wall limiter. Per sample the gain needed to keep |x| at the threshold,
 * g = min(1, T/|x|), is turned into a smooth gain curve that is never above g at the
 * sample it protects:
 *   1. minimum of g over the last L+1 samples (L = lookahead) — a monotonic deque, O(1);
 *   2. instant attack, exponential release of that minimum (never above it);
 *   3. moving average over L+1 samples — a linear fade into each peak lasting the
 *      lookahead, and still <= g at the peak because all L+1 averaged values are.
 * The output x[n - L] · gain[n] is shifted back by L, so the result is time-aligned
 * with the input (no latency); with lookahead 0 the attack is instantaneous.
 */
export const limit = (input: Float32Array, sampleRate: number, p: LimiterParams): Float32Array => {
  const n = input.length
  const out = new Float32Array(n)
  const threshold = dbToGain(p.threshold_db) * (1 - 1e-6) // margin for the running sum's drift and float32 rounding of the output
  const L = Math.max(0, Math.round(p.lookahead_ms * 0.001 * sampleRate))
  const window = L + 1
  const aR = timeCoefficient(p.release_ms, sampleRate)
  // deque of (index, gain) with increasing gains: its head is the window's minimum
  const dqIndex = new Int32Array(window + 1)
  const dqGain = new Float64Array(window + 1)
  const cap = window + 1
  let head = 0
  let size = 0
  // ring of released gains for the moving average
  const ring = new Float64Array(window).fill(1)
  let ringPos = 0
  let sum = window
  let released = 1
  const invWindow = 1 / window
  for (let t = 0; t < n + L; t++) {
    const x = t < n ? input[t]! : 0
    const ax = x < 0 ? -x : x
    const g = ax > threshold ? threshold / ax : 1
    // push g: drop larger gains from the back, then expire the front
    let back = head + size - 1
    if (back >= cap) back -= cap
    while (size > 0 && dqGain[back]! >= g) {
      size--
      back = back === 0 ? cap - 1 : back - 1
    }
    let slot = head + size
    if (slot >= cap) slot -= cap
    dqIndex[slot] = t
    dqGain[slot] = g
    size++
    if (dqIndex[head]! <= t - window) {
      head = head + 1 === cap ? 0 : head + 1
      size--
    }
    const held = dqGain[head]!
    released = held < released ? held : aR * released + (1 - aR) * held
    sum += released - ring[ringPos]!
    ring[ringPos] = released
    ringPos = ringPos + 1 === window ? 0 : ringPos + 1
    if (t >= L) {
      const gain = sum * invWindow
      out[t - L] = input[t - L]! * (gain > 1 ? 1 : gain)
    }
  }
  return out
}

export const limiter: EffectDefinition<LimiterParams> = {
  uses: "dynamics.limiter",
  description:
    "Look-ahead brick-wall peak limiter: sliding-window minimum of the required gain, exponential release, and a " +
    "moving-average fade over the look-ahead; the output never exceeds the threshold and is time-aligned with the input.",
  params: object({
    threshold_db: number({ description: "Ceiling the output never exceeds", unit: "dB", minimum: -60, maximum: 0, default: -1 }),
    release_ms: number({ description: "Time constant of the gain recovery", unit: "ms", minimum: 0, maximum: 5000, default: 50 }),
    lookahead_ms: number({ description: "Look-ahead, also the attack (fade-in) time; 0 = instantaneous attack", unit: "ms", minimum: 0, maximum: 50, default: 5 })
  }),
  process: (input, sampleRate, params) => limit(input, sampleRate, params)
}
