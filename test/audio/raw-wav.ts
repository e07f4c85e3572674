/** A hand-built RIFF/WAVE file: fmt chunk fields and a data chunk. */
export const rawWav = (o: {
  format: number
  channels: number
  rate: number
  bits: number
  data: Uint8Array
  declaredDataBytes?: number
}): Uint8Array => {
  const out = new Uint8Array(44 + o.data.length)
  const v = new DataView(out.buffer)
  const text = (at: number, s: string) => [...s].forEach((c, i) => (out[at + i] = c.charCodeAt(0)))
  text(0, "RIFF")
  v.setUint32(4, 36 + o.data.length, true)
  text(8, "WAVE")
  text(12, "fmt ")
  v.setUint32(16, 16, true)
  v.setUint16(20, o.format, true)
  v.setUint16(22, o.channels, true)
  v.setUint32(24, o.rate, true)
  v.setUint32(28, (o.rate * o.channels * o.bits) / 8, true)
  v.setUint16(32, (o.channels * o.bits) / 8, true)
  v.setUint16(34, o.bits, true)
  text(36, "data")
  v.setUint32(40, o.declaredDataBytes ?? o.data.length, true)
  out.set(o.data, 44)
  return out
}
