import { betaCdf } from "./special.js"
import { CmndFrames, isTrough, yinGeometry, type F0Options, type F0Track } from "./yin.js"
import { ParameterError } from "../errors/audioml-error.js"

/**
 * Probabilistic YIN (Mauch & Dixon 2014) following librosa.pyin step by step:
 * 1. a Beta(a, b) prior over n_thresholds CMND thresholds;
 * 2. per frame, every CMND trough is a candidate; for each threshold the troughs below it
 *    share its prior mass by a Boltzmann prior on their order (smaller lags first), and
 *    when none is below, no_trough_prob of it goes to the global minimum;
 * 3. candidates fall into pitch bins of `resolution` semitones from fmin (the last
 *    candidate wins a bin, as librosa's fancy assignment); voiced_prob = clipped sum;
 * 4. Viterbi over 2 x n_bins states (voiced/unvoiced copies of every pitch bin): a
 *    triangular local transition of max_transition_rate octaves/s within each half and a
 *    switch probability between halves, unvoiced observation (1 - voiced_prob) / n_bins.
 * The Viterbi recursion uses the kron structure of librosa's transition matrix (a banded
 * max-plus convolution) instead of the dense n_states^2 product: same optimum, O(n * width).
 * Unvoiced frames get f0 = 0 Hz (see yin.ts).
 */
export interface PyinOptions extends F0Options {
  readonly nThresholds: number
  readonly betaParameters: readonly [number, number]
  readonly boltzmannParameter: number
  /** Pitch-bin width in semitones (0.1 = 10 cents). */
  readonly resolution: number
  /** Octaves per second. */
  readonly maxTransitionRate: number
  readonly switchProb: number
  readonly noTroughProb: number
}

export const PYIN_DEFAULTS = {
  nThresholds: 100,
  betaParameters: [2, 18] as const,
  boltzmannParameter: 2,
  resolution: 0.1,
  maxTransitionRate: 35.92,
  switchProb: 0.01,
  noTroughProb: 0.01
}

// librosa adds util.tiny(float64) before every log
const TINY = 2.2250738585072014e-308
const LOG_EPS = Math.log(TINY)

export const pyin = (y: Float32Array, sampleRate: number, options: F0Options & Partial<PyinOptions>): F0Track => {
  const o: PyinOptions = { ...PYIN_DEFAULTS, ...options }
  const g = yinGeometry(y.length, sampleRate, o)
  if (!Number.isInteger(o.nThresholds) || o.nThresholds < 1) throw new ParameterError({ parameter: "pyin", message: `pyin: n_thresholds must be a positive integer, got ${o.nThresholds}` })
  if (!(o.resolution > 0 && o.resolution < 1)) throw new ParameterError({ parameter: "pyin", message: `pyin: resolution must be in (0, 1), got ${o.resolution}` })
  if (!(o.switchProb > 0 && o.switchProb < 1)) throw new ParameterError({ parameter: "pyin", message: `pyin: switch_prob must be in (0, 1), got ${o.switchProb}` })
  const nFrames = g.frames
  const nThr = o.nThresholds
  const [alpha, beta] = o.betaParameters
  const betaProbs = new Float64Array(nThr)
  {
    let prev = betaCdf(0, alpha, beta)
    for (let j = 0; j < nThr; j++) {
      const c = betaCdf((j + 1) / nThr, alpha, beta)
      betaProbs[j] = c - prev
      prev = c
    }
  }
  const betaPrefix = new Float64Array(nThr + 1)
  for (let j = 0; j < nThr; j++) betaPrefix[j + 1] = betaPrefix[j]! + betaProbs[j]!
  const binsPerSemitone = Math.ceil(1 / o.resolution)
  const nBins = Math.floor(12 * binsPerSemitone * Math.log2(o.fmax / o.fmin)) + 1
  const lambda = o.boltzmannParameter
  const boltzNorm = 1 - Math.exp(-lambda)

  // observation: sparse per frame (bin, prob) lists + voiced_prob
  const obsStart = new Int32Array(nFrames + 1)
  const obsBin: number[] = []
  const obsProb: number[] = []
  const voicedProb = new Float32Array(nFrames)

  const frames = new CmndFrames(y, g)
  const { cmnd, lags } = frames
  const troughIdx = new Int32Array(lags)
  const firstBelow = new Int32Array(lags)
  const probs = new Float64Array(lags)
  const countAt = new Int32Array(nThr)
  const seenAt = new Int32Array(nThr)
  const binProb = new Float64Array(nBins)
  const binsTouched: number[] = []

  for (let t = 0; t < nFrames; t++) {
    obsStart[t] = obsBin.length
    frames.compute(t)
    let nTroughs = 0
    for (let i = 0; i < lags; i++) if (isTrough(cmnd, i)) troughIdx[nTroughs++] = i
    if (nTroughs === 0) continue
    // threshold j (value (j+1)/nThr) has trough k below it iff j >= firstBelow[k]
    countAt.fill(0)
    let globalMin = 0
    for (let k = 0; k < nTroughs; k++) {
      const h = cmnd[troughIdx[k]!]!
      // smallest j with h < (j+1)/nThr
      let j = Math.floor(h * nThr)
      if (j < 0) j = 0
      while (j > 0 && h < j / nThr) j--
      while (j < nThr && !(h < (j + 1) / nThr)) j++
      firstBelow[k] = j
      if (j < nThr) countAt[j]!++
      if (h < cmnd[troughIdx[globalMin]!]!) globalMin = k
    }
    for (let j = 1; j < nThr; j++) countAt[j]! += countAt[j - 1]!
    seenAt.fill(0)
    for (let k = 0; k < nTroughs; k++) {
      let p = 0
      for (let j = firstBelow[k]!; j < nThr; j++) {
        // position of trough k among those below threshold j (cumsum - 1), n = countAt[j]
        const pos = seenAt[j]!
        seenAt[j] = pos + 1
        const n = countAt[j]!
        p += ((boltzNorm * Math.exp(-lambda * pos)) / (1 - Math.exp(-lambda * n))) * betaProbs[j]!
      }
      probs[k] = p
    }
    probs[globalMin]! += o.noTroughProb * betaPrefix[Math.min(firstBelow[globalMin]!, nThr)]!
    binsTouched.length = 0
    for (let k = 0; k < nTroughs; k++) {
      if (!(probs[k]! > 0)) continue
      const i = troughIdx[k]!
      const f0 = sampleRate / (g.minPeriod + i + frames.shiftAt(i))
      let bin = Math.round(12 * binsPerSemitone * Math.log2(f0 / o.fmin))
      if (bin < 0) bin = 0
      // librosa clips to n_bins, which lands in the unvoiced half and is then overwritten
      if (!(bin < nBins)) continue
      if (binProb[bin] === 0) binsTouched.push(bin)
      binProb[bin] = probs[k]!
    }
    let sum = 0
    for (const bin of binsTouched) {
      obsBin.push(bin)
      obsProb.push(binProb[bin]!)
      sum += binProb[bin]!
      binProb[bin] = 0
    }
    voicedProb[t] = Math.min(1, Math.max(0, sum))
  }
  obsStart[nFrames] = obsBin.length

  const states = viterbiPyin(nFrames, nBins, obsStart, obsBin, obsProb, voicedProb, o, g.hop, sampleRate)
  const f0 = new Float32Array(nFrames)
  const voiced = new Uint8Array(nFrames)
  for (let t = 0; t < nFrames; t++) {
    const s = states[t]!
    if (s < nBins) {
      voiced[t] = 1
      f0[t] = o.fmin * Math.pow(2, s / (12 * binsPerSemitone))
    }
  }
  return { f0, voiced, voicedProb, frames: nFrames, hop: g.hop }
}

/** scipy.signal.windows.triang(width) (symmetric). */
const triangle = (width: number): Float64Array => {
  const w = new Float64Array(width)
  for (let n = 0; n < width; n++) {
    const k = Math.min(n, width - 1 - n) + 1
    w[n] = width % 2 === 1 ? (2 * k) / (width + 1) : (2 * k - 1) / width
  }
  return w
}

const viterbiPyin = (
  nFrames: number,
  nBins: number,
  obsStart: Int32Array,
  obsBin: ReadonlyArray<number>,
  obsProb: ReadonlyArray<number>,
  voicedProb: Float32Array,
  o: PyinOptions,
  hop: number,
  sampleRate: number
): Int32Array => {
  const states = new Int32Array(nFrames)
  if (nFrames === 0) return states
  const binsPerSemitone = Math.ceil(1 / o.resolution)
  const maxSemitones = Math.round((o.maxTransitionRate * 12 * hop) / sampleRate)
  const width = maxSemitones * binsPerSemitone + 1
  const half = Math.floor(width / 2)
  const tri = triangle(width)
  // librosa.sequence.transition_local(wrap=False): row i keeps offsets -half..+half inside
  // [0, nBins) and is normalised to sum 1. logTri[d + half] = log w(d); rowNorm[i] = log sum.
  const centre = (width - 1) / 2
  const logTri = new Float64Array(2 * half + 1)
  for (let d = -half; d <= half; d++) {
    const idx = Math.round(centre + d)
    logTri[d + half] = idx >= 0 && idx < width ? Math.log(tri[idx]! + TINY) : LOG_EPS
  }
  const logRowNorm = new Float64Array(nBins)
  for (let i = 0; i < nBins; i++) {
    let s = 0
    for (let d = -half; d <= half; d++) {
      const idx = Math.round(centre + d)
      if (i + d >= 0 && i + d < nBins && idx >= 0 && idx < width) s += tri[idx]!
    }
    logRowNorm[i] = Math.log(s)
  }
  const logStay = Math.log(1 - o.switchProb)
  const logSwitch = Math.log(o.switchProb)
  const S = 2 * nBins
  let value = new Float64Array(S)
  let next = new Float64Array(S)
  const q = new Float64Array(S) // best entry into (half, bin) before the local move
  const qFrom = new Int32Array(S)
  // back-pointers: frames x states (Int16 is enough: 2 * nBins < 32768 for any sane range)
  const ptr = S < 32768 ? new Int16Array(nFrames * S) : new Int32Array(nFrames * S)
  const logObsVoiced = new Float64Array(nBins)

  const fillObs = (t: number): number => {
    logObsVoiced.fill(LOG_EPS)
    for (let k = obsStart[t]!; k < obsStart[t + 1]!; k++) logObsVoiced[obsBin[k]!] = Math.log(obsProb[k]! + TINY)
    return Math.log((1 - voicedProb[t]!) / nBins + TINY)
  }

  {
    const logUnvoiced = fillObs(0)
    const logInit = Math.log(1 / nBins)
    for (let i = 0; i < nBins; i++) {
      value[i] = logObsVoiced[i]! + LOG_EPS
      value[nBins + i] = logUnvoiced + logInit
    }
  }
  for (let t = 1; t < nFrames; t++) {
    // switch step: for target half h and source bin i, best of staying / switching
    for (let i = 0; i < nBins; i++) {
      const v = value[i]!
      const u = value[nBins + i]!
      const norm = logRowNorm[i]!
      // into voiced half
      const vv = v + logStay
      const uv = u + logSwitch
      if (vv >= uv) {
        q[i] = vv - norm
        qFrom[i] = i
      } else {
        q[i] = uv - norm
        qFrom[i] = nBins + i
      }
      const vu = v + logSwitch
      const uu = u + logStay
      if (vu >= uu) {
        q[nBins + i] = vu - norm
        qFrom[nBins + i] = i
      } else {
        q[nBins + i] = uu - norm
        qFrom[nBins + i] = nBins + i
      }
    }
    const logUnvoiced = fillObs(t)
    const rowPtr = t * S
    for (let h = 0; h < 2; h++) {
      const base = h * nBins
      for (let j = 0; j < nBins; j++) {
        const lo = Math.max(0, j - half)
        const hi = Math.min(nBins - 1, j + half)
        let best = -Infinity
        let arg = lo
        for (let i = lo; i <= hi; i++) {
          const cand = q[base + i]! + logTri[j - i + half]!
          if (cand > best) {
            best = cand
            arg = i
          }
        }
        next[base + j] = best + (h === 0 ? logObsVoiced[j]! : logUnvoiced)
        ptr[rowPtr + base + j] = qFrom[base + arg]!
      }
    }
    const tmp = value
    value = next
    next = tmp
  }
  let best = 0
  for (let s = 1; s < S; s++) if (value[s]! > value[best]!) best = s
  states[nFrames - 1] = best
  for (let t = nFrames - 1; t > 0; t--) states[t - 1] = ptr[t * S + states[t]!]!
  return states
}
