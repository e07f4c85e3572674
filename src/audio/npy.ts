import { DataError } from "../errors/audioml-error.js"
/**
 * NumPy .npy (format 1.0) for float32 / int32 arrays, C order, little endian:
 * `numpy.load` opens what we write, and we read what numpy writes with those dtypes.
 */
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]

export interface NdArray {
  readonly data: Float32Array | Int32Array | Float64Array
  readonly shape: ReadonlyArray<number>
}

const descrOf = (data: NdArray["data"]): string =>
  data instanceof Float32Array ? "<f4" : data instanceof Float64Array ? "<f8" : "<i4"

export const encodeNpy = ({ data, shape }: NdArray): Uint8Array => {
  const count = shape.reduce((a, b) => a * b, 1)
  if (count !== data.length) throw new DataError({ message: `npy: shape [${shape.join(", ")}] does not hold ${data.length} values` })
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`
  let header = `{'descr': '${descrOf(data)}', 'fortran_order': False, 'shape': ${shapeText}, }`
  // header padded with spaces so the data starts on a 64-byte boundary, ending in \n
  const unpadded = 10 + header.length + 1
  header += " ".repeat((64 - (unpadded % 64)) % 64) + "\n"
  const out = new Uint8Array(10 + header.length + data.byteLength)
  out.set(MAGIC, 0)
  out[6] = 1
  out[7] = 0
  new DataView(out.buffer).setUint16(8, header.length, true)
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i)
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length)
  return out
}

export const decodeNpy = (bytes: Uint8Array): NdArray => {
  if (!MAGIC.every((b, i) => bytes[i] === b)) throw new DataError({ message: "not a .npy file" })
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const major = bytes[6]
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true)
  const start = major === 1 ? 10 : 12
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLength))
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1]
  const fortran = /'fortran_order':\s*True/.test(header)
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? ""
  const shape = shapeText.split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number)
  if (fortran) throw new DataError({ message: "npy: Fortran-ordered arrays are not supported" })
  const body = bytes.slice(start + headerLength)
  switch (descr) {
    case "<f4": return { data: new Float32Array(body.buffer, body.byteOffset, body.byteLength / 4), shape }
    case "<f8": return { data: new Float64Array(body.buffer, body.byteOffset, body.byteLength / 8), shape }
    case "<i4": return { data: new Int32Array(body.buffer, body.byteOffset, body.byteLength / 4), shape }
    default: throw new DataError({ message: `npy: unsupported dtype ${descr}` })
  }
}
