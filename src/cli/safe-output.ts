import { randomBytes } from "node:crypto"
import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs"
import { basename, dirname, join, resolve } from "node:path"
import { badInput, UserError } from "./user-error.js"

/** A file a command reads, named for messages: { role: "input", path: "in.wav" }. */
export interface ReadPath {
  readonly role: string
  readonly path: string
}

/**
 * Refuse an output path that would overwrite something in place (exit 2, before any work is
 * written):
 * - the same file as an input (same device and inode, so also through links and `./a` vs `a`);
 * - a file with more than one hard link: run folders hard-link their outputs to the store's
 *   objects, so writing there would change the cached result and every run folder linking it.
 *   (Writes go to a temp file and are renamed, which would not write through; the refusal
 *   makes the mistake visible instead of silently unlinking the file from the run record.)
 * - a folder.
 */
export const checkOutputPath = (output: string, reads: ReadonlyArray<ReadPath>): void => {
  const out = statSync(resolve(output), { throwIfNoEntry: false })
  if (out === undefined) return
  if (out.isDirectory()) throw badInput(`output ${output} is a folder; give a file path`)
  for (const r of reads) {
    const s = statSync(resolve(r.path), { throwIfNoEntry: false })
    if (s !== undefined && s.dev === out.dev && s.ino === out.ino) {
      throw badInput(`output ${output} is the same file as the ${r.role} ${r.path}; write to another path (nothing is overwritten in place)`)
    }
  }
  if (out.nlink > 1) {
    throw badInput(
      `output ${output} is a hard link (${out.nlink} names for one file, as run-folder files are links into the cache store); ` +
        "writing it would change every linked copy: write to another path, or delete it first"
    )
  }
}

/**
 * Write `bytes` to `output` so that it is either the old file or the whole new one: a temp
 * file next to it, fsync, rename. Failures are UserErrors (exit 1) naming the path.
 */
export const writeOutputAtomic = (output: string, bytes: Uint8Array | string): void => {
  const target = resolve(output)
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`)
  try {
    const fd = openSync(tmp, "wx")
    try {
      const data = typeof bytes === "string" ? Buffer.from(bytes) : bytes
      let offset = 0
      while (offset < data.byteLength) offset += writeSync(fd, data, offset, data.byteLength - offset)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, target)
  } catch (e) {
    rmSync(tmp, { force: true })
    throw new UserError({ message: `cannot write ${output}: ${(e as Error).message}`, exitCode: 1 })
  }
}
