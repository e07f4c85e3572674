// Bundles the compiled CLI (dist/cli/main.js and everything it imports) into one CommonJS
// script, dist/cli-bundle/main.cjs, run by `npm run build` after tsc. Why: Node 20 resolves,
// reads and compiles each ES module separately, and the CLI's graph is ~530 modules (200 of
// them effect's); that alone cost ~0.5 s of CPU per command. One script costs one read, and
// as a classic script it can use V8's code cache, which ES modules cannot on Node 20: bin.js
// runs it through src/cli/code-cache.ts. Each module of the bundle is still initialised only
// when first imported (esbuild's lazy `__esm` wrappers), so `audioml run` does not run
// `audioml predict`'s module code. bin.js loads the bundle when it is at least as new as the
// tsc output, else the unbundled dist/cli/main.js.
//
// - Only the pure-JS packages the CLI imports at start-up are bundled (BUNDLED); the rest stay
//   ordinary imports resolved from node_modules at run time: native or worker-based packages
//   (koffi, piscina, tfjs), and big ones loaded only by some commands (vega, ajv, ...).
// - Our modules find files next to themselves with `new URL("x", import.meta.url)` (worker
//   scripts, the wasm kernels, package.json). A CommonJS bundle has no import.meta, so each
//   occurrence becomes the file URL the module has in dist/ (`__audiomlUrl`, from the banner).
import { build } from "esbuild"
import { readFile, rm, writeFile } from "node:fs/promises"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const dist = join(root, "dist")
const outdir = join(dist, "cli-bundle")

const BUNDLED = new Set(["effect", "@iarna/toml", "canonicalize", "pure-rand", "fft.js", "wavefile"])

/** "@scope/name/sub" → "@scope/name"; "name/sub" → "name". */
const packageOf = (specifier) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/")

const audiomlBundling = {
  name: "audioml-bundling",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("node:")) return { path: args.path, external: true }
      return BUNDLED.has(packageOf(args.path)) ? undefined : { path: args.path, external: true }
    })
    b.onLoad({ filter: /\.js$/ }, async (args) => {
      if (!args.path.startsWith(dist + "/")) return undefined
      const source = await readFile(args.path, "utf8")
      if (!source.includes("import.meta.url")) return { contents: source, loader: "js" }
      const own = JSON.stringify(relative(outdir, args.path))
      return { contents: source.replaceAll("import.meta.url", `__audiomlUrl(${own})`), loader: "js" }
    })
  }
}

// clear the last build: its code caches (code-cache/) belong to the old script
await rm(outdir, { recursive: true, force: true })
await build({
  entryPoints: { main: join(dist, "cli/main.js") },
  outdir,
  outExtension: { ".js": ".cjs" },
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  minifyWhitespace: true,
  legalComments: "none",
  logLevel: "warning",
  banner: { js: 'const __audiomlUrl = (p) => require("node:url").pathToFileURL(require("node:path").join(__dirname, p)).href;' },
  plugins: [audiomlBundling]
})

// A vm.Script's own import() needs a callback that Node 20 drops when the script is loaded
// from a code cache, so every dynamic import() left in the bundle (tfjs, vega, piscina,
// plugins: the relative ones are bundled) calls the loader's __audiomlImport instead
// (src/cli/code-cache.ts). In a CommonJS bundle `import(` can only be a dynamic import.
const bundleFile = join(outdir, "main.cjs")
const text = await readFile(bundleFile, "utf8")
const rewritten = text.replace(/\bimport\(/g, "__audiomlImport(")
if (rewritten === text) throw new Error("bundle-cli: no dynamic import() found to rewrite; check src/cli/code-cache.ts still matches")
await writeFile(bundleFile, rewritten)
