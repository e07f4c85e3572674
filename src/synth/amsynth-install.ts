/**
 * Where the real amsynth lives on this machine: its DSSI plugin (`amsynth_dssi.so`) and its
 * factory banks (`*.amSynth.bank`). Looked up, in order: an explicit path, the folder
 * named by AUDIOML_AMSYNTH_DIR (the root of `dpkg -x amsynth_*.deb DIR`, or a folder that
 * holds the files directly), DSSI_PATH, then the usual system folders.
 */
import { existsSync, readdirSync, statSync } from "node:fs"
import { join } from "node:path"

/** Environment variable naming an unpacked amsynth package (`dpkg -x amsynth_*.deb DIR`). */
export const AMSYNTH_DIR_ENV = "AUDIOML_AMSYNTH_DIR"

/** The DSSI plugin's file name. */
export const AMSYNTH_DSSI_FILE = "amsynth_dssi.so"

/** How to get amsynth without its GUI dependencies; printed with every "not found" error. */
export const AMSYNTH_INSTALL_HINT =
  `get it with \`apt-get download amsynth && dpkg -x amsynth_*.deb DIR\` and set ${AMSYNTH_DIR_ENV}=DIR ` +
  "(or `apt-get install amsynth`, or give the path of amsynth_dssi.so as the `plugin` parameter)"

const SYSTEM_DSSI_DIRS = ["/usr/lib/dssi", "/usr/local/lib/dssi", "/usr/lib/x86_64-linux-gnu/dssi", "/usr/lib64/dssi"]
const SYSTEM_BANK_DIRS = ["/usr/share/amsynth/banks", "/usr/local/share/amsynth/banks"]

const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile()
const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory()

const envRoots = (env: NodeJS.ProcessEnv): string[] => {
  const root = env[AMSYNTH_DIR_ENV]
  return root === undefined || root === "" ? [] : [root]
}

/** Candidate plugin paths, in lookup order. */
export const amsynthPluginCandidates = (env: NodeJS.ProcessEnv = process.env): string[] => [
  ...envRoots(env).flatMap((root) => [join(root, "usr/lib/dssi", AMSYNTH_DSSI_FILE), join(root, AMSYNTH_DSSI_FILE)]),
  ...(env["DSSI_PATH"] ?? "").split(":").filter((d) => d !== "").map((d) => join(d, AMSYNTH_DSSI_FILE)),
  ...SYSTEM_DSSI_DIRS.map((d) => join(d, AMSYNTH_DSSI_FILE))
]

/** The amsynth DSSI plugin, or undefined when none is installed. */
export const findAmsynthPlugin = (env: NodeJS.ProcessEnv = process.env): string | undefined => amsynthPluginCandidates(env).find(isFile)

/** The factory bank folder, or undefined. */
export const findAmsynthBankDir = (env: NodeJS.ProcessEnv = process.env): string | undefined =>
  [...envRoots(env).flatMap((root) => [join(root, "usr/share/amsynth/banks"), join(root, "banks")]), ...SYSTEM_BANK_DIRS].find(isDir)

/** The factory bank files (sorted by name), or [] when amsynth's banks are not installed. */
export const findAmsynthFactoryBanks = (env: NodeJS.ProcessEnv = process.env): string[] => {
  const dir = findAmsynthBankDir(env)
  if (dir === undefined) return []
  return readdirSync(dir)
    .filter((f) => f.endsWith(".bank"))
    .sort()
    .map((f) => join(dir, f))
}
