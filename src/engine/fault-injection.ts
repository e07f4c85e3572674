import { existsSync } from "node:fs"

/**
 * Deterministic fault injection for the reliability tests, read from AUDIOML_FAULT (unset in
 * normal use: then every point is a no-op). A comma-separated list of
 *
 * - `after:<node>:<event>[:<n>]`  — SIGKILL this process right after `event` of stage `node`
 *   (with count `n`, e.g. `after:fx_model:epoch:2` dies after epoch 2's checkpoint is stored);
 * - `pause:<node>:<event>:<file>` — at that point, wait until `file` exists (a barrier the
 *   test opens, so two processes meet at a known moment without sleeps).
 *
 * Events: `locked` (the node's lock is taken, nothing computed yet), `epoch` (a training
 * epoch's checkpoint is stored), `stored` (the node's entry is written, lock still held).
 */
interface Fault {
  readonly action: "after" | "pause"
  readonly node: string
  readonly event: string
  readonly arg?: string
}

const parse = (text: string | undefined): Fault[] =>
  (text ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .flatMap((s) => {
      const [action, node, event, ...rest] = s.split(":")
      if ((action !== "after" && action !== "pause") || node === undefined || event === undefined) return []
      const arg = rest.join(":")
      return [{ action, node, event, ...(arg !== "" ? { arg } : {}) }]
    })

/**
 * A fault point: kills or pauses the process when AUDIOML_FAULT names this node, event and
 * count. Synchronous kill (SIGKILL: no cleanup runs, as with a power cut or the OOM killer).
 */
export const faultPoint = async (node: string, event: string, n?: number): Promise<void> => {
  for (const f of parse(process.env["AUDIOML_FAULT"])) {
    if (f.node !== node || f.event !== event) continue
    if (f.action === "after" && (f.arg === undefined || Number(f.arg) === n)) process.kill(process.pid, "SIGKILL")
    if (f.action === "pause" && f.arg !== undefined) {
      process.stderr.write(`audioml: fault injection: ${node} paused at ${event} until ${f.arg} exists\n`)
      while (!existsSync(f.arg)) await new Promise((r) => setTimeout(r, 20))
    }
  }
}
