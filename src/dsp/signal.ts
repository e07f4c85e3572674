/** Multi-channel audio: one Float32Array per channel, all the same length. */
export interface Signal {
  readonly sampleRate: number
  readonly channels: ReadonlyArray<Float32Array>
}

export const signalLength = (s: Signal): number => s.channels[0]?.length ?? 0

export const monoSignal = (sampleRate: number, samples: Float32Array): Signal => ({ sampleRate, channels: [samples] })

/** Mean of the channels (the usual down-mix, as librosa's to_mono). */
export const toMono = (s: Signal): Float32Array => {
  if (s.channels.length === 1) return s.channels[0]!
  const n = signalLength(s)
  const out = new Float32Array(n)
  for (const ch of s.channels) for (let i = 0; i < n; i++) out[i]! += ch[i]!
  const k = 1 / s.channels.length
  for (let i = 0; i < n; i++) out[i]! *= k
  return out
}

/** Apply a per-channel function, keeping the sample rate. */
export const mapChannels = (s: Signal, f: (samples: Float32Array, channel: number) => Float32Array): Signal => ({
  sampleRate: s.sampleRate,
  channels: s.channels.map(f)
})
