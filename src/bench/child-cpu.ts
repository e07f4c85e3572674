import { execFileSync } from "node:child_process"

/**
 * CPU seconds (user + sys) of one child process, read from bash's `times` (its children's
 * line), so the benches that time whole processes count CPU, not wall time, which follows the
 * load of a shared machine. Throws when the command fails or `times` cannot be read.
 */
export const childCpuSeconds = (command: ReadonlyArray<string>, options: { readonly env?: NodeJS.ProcessEnv; readonly cwd?: string } = {}): number => {
  const quoted = command.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ")
  const out = execFileSync("bash", ["-c", `${quoted} >/dev/null 2>&1 || exit 1; times`], { encoding: "utf8", env: options.env ?? process.env, ...(options.cwd !== undefined ? { cwd: options.cwd } : {}) })
  const children = out.trim().split("\n")[1]?.trim().split(/\s+/) ?? []
  const secs = (t: string | undefined): number => {
    const m = /^(\d+)m([\d.]+)s$/.exec(t ?? "")
    if (m === null) throw new Error(`cannot read the CPU time of ${command[0]} from bash's times: ${JSON.stringify(out)}`)
    return Number(m[1]) * 60 + Number(m[2])
  }
  return secs(children[0]) + secs(children[1])
}
