import { expect } from "vitest"

/** Runs `body` with AUDIOML_KERNELS set to `preference` ("wasm", "js"), restoring the environment after. */
export const withKernels = <T>(preference: string, body: () => T): T => {
  const before = process.env["AUDIOML_KERNELS"]
  process.env["AUDIOML_KERNELS"] = preference
  try {
    return body()
  } finally {
    if (before === undefined) delete process.env["AUDIOML_KERNELS"]
    else process.env["AUDIOML_KERNELS"] = before
  }
}

/** {@link withKernels} for an async body: the variable stays set until the body settles. */
export const withKernelsAsync = async <T>(preference: string, body: () => Promise<T>): Promise<T> => {
  const before = process.env["AUDIOML_KERNELS"]
  process.env["AUDIOML_KERNELS"] = preference
  try {
    return await body()
  } finally {
    if (before === undefined) delete process.env["AUDIOML_KERNELS"]
    else process.env["AUDIOML_KERNELS"] = before
  }
}

/** The largest |a[i] − b[i]|, after checking both have the same length. */
export const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
  return m
}
