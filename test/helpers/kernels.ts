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
