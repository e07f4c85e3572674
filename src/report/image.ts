import { encode } from "fast-png"
import { interpolateMagma } from "d3-scale-chromatic"

/**
 * Heat-map images as inline PNG data URIs: a matrix of values mapped through the magma
 * colormap (perceptually uniform, matplotlib's, via d3-scale-chromatic) on a fixed range, so
 * several images can share one colour scale.
 */

/** magma as 256 RGB triples, index 0 = darkest. */
const MAGMA: Uint8Array = (() => {
  const lut = new Uint8Array(256 * 3)
  for (let i = 0; i < 256; i++) {
    // d3 returns "#rrggbb"
    const hex = parseInt(interpolateMagma(i / 255).slice(1), 16)
    lut[i * 3] = (hex >> 16) & 255
    lut[i * 3 + 1] = (hex >> 8) & 255
    lut[i * 3 + 2] = hex & 255
  }
  return lut
})()

/** The RGB colour of a value in [0, 1] on the magma colormap (clamped). */
export const magma = (t: number): readonly [number, number, number] => {
  const i = Math.round(Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * 255) * 3
  return [MAGMA[i]!, MAGMA[i + 1]!, MAGMA[i + 2]!]
}

/** Encode RGB pixels (row-major, top row first, 3 bytes each) as a PNG data URI. */
export const pngDataUri = (width: number, height: number, rgb: Uint8Array): string =>
  `data:image/png;base64,${Buffer.from(encode({ width, height, data: rgb, channels: 3, depth: 8 })).toString("base64")}`

/**
 * A rows × columns matrix (row-major; row 0 drawn at the bottom, as a spectrogram's lowest
 * band) as a PNG data URI, values mapped linearly from [lo, hi] onto magma.
 */
export const heatmapDataUri = (data: ArrayLike<number>, rows: number, columns: number, lo: number, hi: number): string => {
  const rgb = new Uint8Array(rows * columns * 3)
  const span = hi > lo ? hi - lo : 1
  for (let r = 0; r < rows; r++) {
    const y = rows - 1 - r
    for (let c = 0; c < columns; c++) {
      const [red, green, blue] = magma((data[r * columns + c]! - lo) / span)
      const o = (y * columns + c) * 3
      rgb[o] = red
      rgb[o + 1] = green
      rgb[o + 2] = blue
    }
  }
  return pngDataUri(columns, rows, rgb)
}

/** A horizontal colour bar (low on the left) for a shared scale's legend. */
export const colorbarDataUri = (width = 256): string => {
  const values = Float32Array.from({ length: width }, (_, i) => i / (width - 1))
  return heatmapDataUri(values, 1, width, 0, 1)
}
