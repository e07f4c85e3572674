/** Attack, decay and release in seconds; sustain as a level in [0, 1]. */
export interface Adsr {
  readonly attack: number
  readonly decay: number
  readonly sustain: number
  readonly release: number
}

/**
 * Linear ADSR envelope into `env`: 0 → 1 over `attack`, 1 → sustain over `decay`, hold
 * until the gate closes at `gate` seconds, then → 0 over `release` (from whatever level
 * was reached, so a gate shorter than attack + decay releases without a jump).
 * Samples after the release are 0. Linear segments keep the shape exact and testable.
 */
export const adsrInto = (env: Float32Array, sampleRate: number, a: Adsr, gate: number): Float32Array => {
  const attack = Math.max(0, a.attack) * sampleRate
  const decay = Math.max(0, a.decay) * sampleRate
  const release = Math.max(0, a.release) * sampleRate
  const sustain = Math.min(1, Math.max(0, a.sustain))
  const gateAt = Math.max(0, gate) * sampleRate
  const held = (i: number): number => {
    if (i < attack) return i / attack
    if (i < attack + decay) return 1 - ((1 - sustain) * (i - attack)) / decay
    return sustain
  }
  const releaseFrom = held(gateAt)
  for (let i = 0; i < env.length; i++) {
    if (i < gateAt) env[i] = held(i)
    else if (release > 0 && i < gateAt + release) env[i] = releaseFrom * (1 - (i - gateAt) / release)
    else env[i] = 0
  }
  return env
}
