// Exports a trained model.rnn (a run's model folder, e.g. runs/training/<id>/fx_model) as .nam or
// RTNeural JSON with `audioml export`, then runs 20,000 samples of the run's first fx_eval example
// through the model folder (loadModel), the exported file (loadModel) and the independent numpy
// reader of test/fixtures/formats/, and prints the largest differences (issue 13's acceptance:
// equal to 1e-5). Labels: gain 1.5 and drive 9 in label units, i.e. 0.75 and 0.5 normalised, as
// configs/training.toml's fx_model is conditioned on gain [-3, 3] and drive [6, 12].
// Usage: npm run build && node scripts/check-export.mjs <model dir> nam|rtneural <out file>
import { execFileSync } from "node:child_process"
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const repo = join(dirname(fileURLToPath(import.meta.url)), "..")
const { loadModel } = await import(join(repo, "dist/index.js"))
const { decodeWav } = await import(join(repo, "dist/audio/wav.js"))
const [modelDir, format, file] = process.argv.slice(2)
if (file === undefined || !["nam", "rtneural"].includes(format)) {
  console.error("usage: node scripts/check-export.mjs <model dir> nam|rtneural <out file>")
  process.exit(2)
}
const script = join(repo, "test/fixtures/formats", format === "nam" ? "nam_fixtures.py" : "rtneural_fixtures.py")
execFileSync(process.execPath, [join(repo, "dist/cli/bin.js"), "export", "--model", modelDir, "--format", format, "--out", file], { stdio: "inherit" })
const examples = join(modelDir, "..", "fx_eval", "examples")
const first = readdirSync(examples).sort()[0]
const input = decodeWav(new Uint8Array(readFileSync(join(examples, first, "input.wav")))).channels[0].subarray(0, 20000)
const labels = { gain: 1.5, drive: 9 }
const normalised = [0.75, 0.5]
const fromFolder = new Float32Array(input.length)
const fromFile = new Float32Array(input.length)
;(await loadModel(modelDir)).process(input, fromFolder, labels)
const exported = await loadModel(file)
// a .nam names its extra inputs input1, input2 (normalised); RTNeural files audioml wrote keep the label names and ranges
exported.process(input, fromFile, exported.params[0] === "gain" ? labels : Object.fromEntries(exported.params.map((p, i) => [p, normalised[i]])))
const io = join(tmpdir(), `audioml-check-export-${process.pid}`)
writeFileSync(`${io}-in.json`, JSON.stringify({ input: Array.from(input), knobs: normalised }))
execFileSync("python3", [script, "run", file, `${io}-in.json`, `${io}-out.json`])
const numpy = JSON.parse(readFileSync(`${io}-out.json`, "utf8")).output
for (const end of ["in", "out"]) rmSync(`${io}-${end}.json`, { force: true })
const maxDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0)
console.log(`${format}: max |model folder − loadModel(${file})| ${maxDiff(fromFolder, fromFile).toExponential(2)}; max |model folder − numpy reader| ${maxDiff(fromFolder, numpy).toExponential(2)} (${input.length} samples)`)
