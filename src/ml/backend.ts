/**
 * The tfjs backend ladder. tfjs is imported lazily (dynamic import) so that commands which
 * never train or predict (plan, validate, a fully cached rerun) do not pay for loading it.
 *
 * Order: node-gpu (libtensorflow + CUDA) → node (libtensorflow) → wasm → cpu (pure JS).
 * The first two are optionalDependencies: when their install could not download
 * libtensorflow, npm drops them and the ladder moves on.
 */
import { createRequire } from "node:module"
import { dirname } from "node:path"
import { BackendError } from "../errors/audioml-error.js"

export type Tf = typeof import("@tensorflow/tfjs")

export const BACKEND_NAMES = ["node-gpu", "node", "wasm", "cpu"] as const
export type BackendName = (typeof BACKEND_NAMES)[number]


export interface LoadedBackend {
  readonly tf: Tf
  /** One of BACKEND_NAMES: what the run manifest records. */
  readonly name: BackendName
}

const isBackendName = (name: string): name is BackendName => (BACKEND_NAMES as ReadonlyArray<string>).includes(name)

const reason = (e: unknown): string => (e instanceof Error ? e.message.split("\n")[0]! : String(e))

/** Try to make `name` the active tfjs backend; resolves to an error message on failure. */
const tryBackend = async (tf: Tf, name: BackendName): Promise<string | undefined> => {
  try {
    switch (name) {
      case "node-gpu":
      case "node": {
        // Both packages register the "tensorflow" backend with the shared tfjs-core on import.
        // A computed specifier: the packages are optional, so their types may be absent.
        const specifier: string = name === "node-gpu" ? "@tensorflow/tfjs-node-gpu" : "@tensorflow/tfjs-node"
        await import(specifier)
        return (await tf.setBackend("tensorflow")) ? undefined : "tf.setBackend('tensorflow') returned false"
      }
      case "wasm": {
        const wasm = await import("@tensorflow/tfjs-backend-wasm")
        // Load the .wasm binaries from the installed package, never from the network.
        const dist = dirname(createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm"))
        wasm.setWasmPaths(dist + "/")
        return (await tf.setBackend("wasm")) ? undefined : "tf.setBackend('wasm') returned false (the .wasm binary did not initialise)"
      }
      case "cpu":
        return (await tf.setBackend("cpu")) ? undefined : "tf.setBackend('cpu') returned false"
    }
  } catch (e) {
    return reason(e)
  }
}

let loaded: Promise<LoadedBackend> | undefined
let loadedRequest: string | undefined

/**
 * Load tfjs and select a backend. `forced` (or, when undefined, the AUDIOML_BACKEND
 * environment variable) names one backend; a forced backend that cannot load rejects with
 * a BackendError saying which and why. Without one, the first rung that loads wins.
 * The selection is made once per process; asking for a different forced backend later
 * switches to it.
 */
export const loadBackend = (forced?: string): Promise<LoadedBackend> => {
  const request = forced ?? (process.env["AUDIOML_BACKEND"] || undefined)
  if (loaded !== undefined && loadedRequest === request) return loaded
  loadedRequest = request
  loaded = select(request)
  // A failed selection must not stick: the next call may ask for something else.
  loaded.catch(() => {
    if (loadedRequest === request) loaded = undefined
  })
  return loaded
}

/**
 * What is wrong with a requested backend name (from --backend or AUDIOML_BACKEND), or
 * undefined when it names a rung of the ladder (or none was requested). Checked without
 * loading tfjs, so `validate` and `plan` can refuse a mistyped AUDIOML_BACKEND.
 */
export const backendRequestProblem = (request: string | undefined): string | undefined =>
  request === undefined || request === "" || isBackendName(request)
    ? undefined
    : `unknown backend "${request}": expected one of ${BACKEND_NAMES.join(", ")} (from --backend or AUDIOML_BACKEND)`

const select = async (request: string | undefined): Promise<LoadedBackend> => {
  if (request !== undefined && !isBackendName(request)) throw new BackendError({ backend: request, message: backendRequestProblem(request)! })
  const tf = await import("@tensorflow/tfjs")
  // Production mode: no per-op NaN checks and no "install tfjs-node" banner on stderr.
  tf.enableProdMode()
  if (request !== undefined) {
    const failure = await tryBackend(tf, request)
    if (failure !== undefined) {
      throw new BackendError({ backend: request, message: `backend "${request}" was forced (--backend or AUDIOML_BACKEND) but cannot be loaded: ${failure}` })
    }
    return { tf, name: request }
  }
  const failures: string[] = []
  for (const name of BACKEND_NAMES) {
    const failure = await tryBackend(tf, name)
    if (failure === undefined) return { tf, name }
    failures.push(`${name}: ${failure}`)
  }
  throw new BackendError({ backend: "any", message: `no tfjs backend could be loaded (${failures.join("; ")})` })
}
