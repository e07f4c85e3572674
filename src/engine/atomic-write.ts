import { randomBytes } from "node:crypto"
import { mkdir, open, rename, rm } from "node:fs/promises"
import { dirname, join } from "node:path"

/**
 * Write a file so that readers see either nothing or the whole of it: write a temp file
 * in `tmpDir` (same file system), fsync, then rename over the target. A process killed
 * mid-write leaves only a stray temp file, never a half-written target.
 */
export const writeFileAtomic = async (target: string, data: Uint8Array | string, tmpDir = dirname(target)): Promise<void> => {
  await mkdir(tmpDir, { recursive: true })
  await mkdir(dirname(target), { recursive: true })
  const tmp = join(tmpDir, `.tmp-${process.pid}-${randomBytes(6).toString("hex")}`)
  try {
    const handle = await open(tmp, "w")
    try {
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(tmp, target)
  } catch (e) {
    await rm(tmp, { force: true })
    throw e
  }
}
