import { spawnSync } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { resolve } from "node:path"
import { describe, expect, it } from "vitest"
import { Rng } from "../../src/params/rng.js"
import { applyChain, chainLabels, resolveChain } from "../../src/effects/chain.js"
import { effectCatalog } from "../../src/effects/registry.js"
import { prepareNetlist } from "../../src/effects/circuit/netlist.js"
import { onUniformGrid } from "../../src/dsp/uniform-grid.js"

const hasNgspice = spawnSync("ngspice", ["-v"], { stdio: "ignore" }).status === 0
const RC = resolve(import.meta.dirname, "../fixtures/circuits/rc-lowpass.cir")
const SD1 = resolve(import.meta.dirname, "../../configs/circuits/sd1.cir")
const sr = 48000

const run = (x: Float32Array, params: Record<string, unknown>): Float32Array => {
  const def = effectCatalog.get("circuit.spice")!
  const resolved = resolveChain([{ uses: "circuit.spice", ...params }], new Rng(0))
  return def.process(x, sr, resolved.items[0]!.params, new Rng(0))
}

/** Sum of sines, and the RC low-pass's exact response to it from rest (steady state plus the decaying start). */
const tones = [
  { f: 220, a: 0.5, phase: 0 },
  { f: 1500, a: 0.3, phase: 0 },
  { f: 6000, a: 0.15, phase: 0 }
]
const input = (n: number): Float32Array => {
  const x = new Float32Array(n)
  for (let i = 0; i < n; i++) for (const t of tones) x[i]! += t.a * Math.sin((2 * Math.PI * t.f * i) / sr)
  return x
}
const rcExact = (n: number, tau: number, scale = 1): Float64Array => {
  const y = new Float64Array(n)
  for (const { f, a } of tones) {
    const wt = 2 * Math.PI * f * tau
    for (let i = 0; i < n; i++) {
      const t = i / sr
      const w = 2 * Math.PI * f
      y[i]! += (scale * a * (Math.sin(w * t) - wt * Math.cos(w * t) + wt * Math.exp(-t / tau))) / (1 + wt * wt)
    }
  }
  return y
}
const esr = (y: ArrayLike<number>, ref: ArrayLike<number>, from: number, to: number): number => {
  let num = 0
  let den = 0
  for (let i = from; i < to; i++) {
    num += (y[i]! - ref[i]!) ** 2
    den += ref[i]! ** 2
  }
  return num / den
}

describe("circuit.spice netlist preparation", () => {
  const text = readFileSync(RC, "utf8")
  it("substitutes .param values and drops .end, keeping line numbers", () => {
    const out = prepareNetlist(text, "rc.cir", { inputNode: "in", outputNode: "out", params: { rr: 2200, CC: 4.7e-8 }, baseDir: "/x" })
    expect(out.split("\n")).toEqual([text.split("\n")[0], ".param rr = 2200", ".param cc = 4.7e-8", "R1 in out {rr}", "C1 out 0 {cc}"])
  })
  it("names the file and the problem for undeclared params, unknown nodes and analyses", () => {
    const b = { inputNode: "in", outputNode: "out", params: {}, baseDir: "/x" }
    expect(() => prepareNetlist(text, "rc.cir", { ...b, params: { drive: 1 } })).toThrow(/params\.drive: rc\.cir declares no "\.param drive = \.\.\." to set; it declares: cc, rr/)
    expect(() => prepareNetlist(text, "rc.cir", { ...b, outputNode: "vout" })).toThrow(/output_node: node "vout" does not appear on any element line of rc\.cir/)
    expect(() => prepareNetlist(text.replace(".end", ".tran 1u 1m\n.end"), "rc.cir", b)).toThrow(/rc\.cir line 6: remove "\.tran"/)
    expect(() => prepareNetlist(text, "rc.cir", { ...b, inputNode: "0" })).toThrow(/input_node: "0" is ground/)
  })
})

describe("onUniformGrid", () => {
  it("reads a smooth signal at irregular points to cubic accuracy", () => {
    const times: number[] = [0]
    const rng = new Rng(5)
    while (times[times.length - 1]! < 0.01) times.push(times[times.length - 1]! + rng.uniform(0.3, 1) / 96000)
    const t = Float64Array.from(times)
    const v = t.map((s) => Math.sin(2 * Math.PI * 5000 * s))
    const y = onUniformGrid(t, v, 1 / 96000, 900)
    let worst = 0
    for (let i = 0; i < y.length; i++) worst = Math.max(worst, Math.abs(y[i]! - Math.sin((2 * Math.PI * 5000 * i) / 96000)))
    // cubic: about (w h)^4 / 24 * 9/16 = 2.7e-4 at w h = 0.33; a linear reading would be off by (w h)^2 / 8 = 1.3e-2
    expect(worst).toBeLessThan(5e-4)
    expect(worst).toBeGreaterThan(0)
  })
})

describe.skipIf(!hasNgspice)("circuit.spice (ngspice)" + (hasNgspice ? "" : ": skipped, ngspice is not installed (apt-get install ngspice)"), () => {
  const n = 4800
  const x = input(n)
  it("an RC low-pass netlist matches its closed form", () => {
    // ngspice's trapezoidal steps are second order: the ESR falls about 16x per doubling (5e-5, 4e-6, 2e-7 measured).
    // At oversample 1 the input is also linear between samples, not band-limited.
    const bounds: ReadonlyArray<readonly [number, number]> = [[1, 2e-4], [2, 1e-5], [4, 1e-6]]
    const ref = rcExact(n, 1e3 * 100e-9)
    for (const [oversample, bound] of bounds) {
      const y = run(x, { netlist: RC, oversample })
      // skip the first and last 2 ms: the abrupt start and the held end are not band-limited
      expect(esr(y, ref, 96, n - 96), `oversample ${oversample}`).toBeLessThan(bound)
    }
  })
  it("starts at rest: a clip that starts at 0.5 is a step one grid step long, as in the closed form", () => {
    // input: 0 V until one step before sample 0, linear up to 0.5 V at sample 0 (filesource), then held
    const y = run(new Float32Array(40).fill(0.5), { netlist: RC, oversample: 1 })
    const h = 1 / sr
    const tau = 1e3 * 100e-9
    for (let i = 0; i < 40; i++) {
      const t = (i + 1) * h // time since the ramp began
      const exact = 0.5 * (1 - (tau / h) * (Math.exp(h / tau) - 1) * Math.exp(-t / tau))
      expect(Math.abs(y[i]! - exact), `sample ${i}`).toBeLessThan(2e-3 * 0.5)
    }
  })

  it("params, level scaling and inline netlists change the circuit as asked", () => {
    const text = readFileSync(RC, "utf8")
    const y = run(x, { netlist_text: text, params: { rr: 4700 }, full_scale_v: 2, output_full_scale_v: 4, oversample: 4 })
    expect(esr(y, rcExact(n, 4700 * 100e-9, 0.5), 96, n - 96)).toBeLessThan(1e-6)
  })
  it("runs as a chain item with a drawn .param, its netlist found relative to the config folder", () => {
    const chain = resolveChain([{ uses: "circuit.spice", netlist: "rc-lowpass.cir", params: { rr: { uniform: [500, 2000] } } }], new Rng(1))
    const rr = chain.items[0]!.params["params"] as { rr: number }
    expect(rr.rr).toBeGreaterThanOrEqual(500)
    expect(rr.rr).toBeLessThanOrEqual(2000)
    expect(chainLabels(chain)["fx.0.circuit.spice.params.rr"]).toBe(rr.rr)
    const out = applyChain({ sampleRate: sr, channels: [x, x] } as never, chain, new Rng(2), resolve(import.meta.dirname, "../fixtures/circuits"))
    expect(esr(out.channels[1]!, rcExact(n, rr.rr * 100e-9), 96, n - 96)).toBeLessThan(1e-5)
  })
  it("works in a fresh temporary folder per call and removes it, also when ngspice fails", () => {
    const saved = process.env["TMPDIR"]
    const scratch = mkdtempSync(resolve(tmpdir(), "audioml-circuit-test-"))
    process.env["TMPDIR"] = scratch
    try {
      run(x.subarray(0, 480), { netlist: RC })
      expect(() => run(x.subarray(0, 480), { netlist_text: "bad\nR1 in out 1k\nQ1 out in 0 nosuchmodel\n" })).toThrow(/nosuchmodel/)
      expect(readdirSync(scratch)).toEqual([])
    } finally {
      if (saved === undefined) delete process.env["TMPDIR"]
      else process.env["TMPDIR"] = saved
    }
  })

  it("surfaces ngspice's error with the netlist's name, and a missing binary with how to install it", () => {
    expect(() => run(x, { netlist_text: "bad\nR1 in out 1k\nQ1 out in 0 nosuchmodel\n" })).toThrow(/netlist_text: ngspice failed.*nosuchmodel/)
    expect(() => run(x, { netlist: "/nonexistent/amp.cir" })).toThrow(/\/nonexistent\/amp\.cir: netlist: cannot read the netlist file \(ENOENT\)/)
    const saved = process.env["AUDIOML_NGSPICE"]
    process.env["AUDIOML_NGSPICE"] = "/nonexistent/ngspice"
    try {
      expect(() => run(x, { netlist: RC })).toThrow(/ngspice executable \("\/nonexistent\/ngspice"\) was not found; install it with `apt-get install ngspice`/)
    } finally {
      if (saved === undefined) delete process.env["AUDIOML_NGSPICE"]
      else process.env["AUDIOML_NGSPICE"] = saved
    }
  })

  it("the shipped SD-1 netlist: small-signal gain as its transfer function, asymmetric clipping when driven", () => {
    // 10 uV in: the diodes act as their zero-bias conductance Is / (n Vt), both directions (the series pair at 2 n)
    const vt = (1.380649e-23 * 300.15) / 1.602176634e-19
    const gd = 2.52e-9 / (1.752 * vt) + 2.52e-9 / (2 * 1.752 * vt)
    const f = 1000
    const m = 9600
    const sine = Float32Array.from({ length: m }, (_, i) => Math.sin((2 * Math.PI * f * i) / sr))
    const amplitude = (y: Float32Array): number => {
      // least-squares fit of a sine at f over the last 100 ms (steady state)
      let a = 0
      let b = 0
      for (let i = m - 4800; i < m; i++) {
        a += y[i]! * Math.sin((2 * Math.PI * f * i) / sr)
        b += y[i]! * Math.cos((2 * Math.PI * f * i) / sr)
      }
      return (2 / 4800) * Math.hypot(a, b)
    }
    for (const [drive, tone] of [[0, 1], [0.5, 0.5], [1, 0]] as const) {
      const w = 2 * Math.PI * f
      const zf = (g: number, c: number) => ({ re: g / (g * g + (w * c) ** 2), im: -(w * c) / (g * g + (w * c) ** 2) })
      const f1 = zf(1 / (51e3 + drive * 500e3) + gd, 51e-12)
      const zg = { re: 4.7e3, im: -1 / (w * 47e-9) }
      const den = zg.re * zg.re + zg.im * zg.im
      const ratio = { re: 1 + (f1.re * zg.re + f1.im * zg.im) / den, im: (f1.im * zg.re - f1.re * zg.im) / den }
      const gain = Math.hypot(ratio.re, ratio.im) / Math.hypot(1, w * (1e3 + (1 - tone) * 20e3) * 22e-9)
      const y = run(sine, { netlist: SD1, params: { drive, tone, level: 0.5 }, full_scale_v: 1e-5 })
      // within 0.1% (the op-amp's open-loop gain of 1e6 alone takes 0.012% at a closed-loop gain of 118)
      expect(Math.abs(amplitude(y) / (0.5 * gain) - 1), `drive ${drive} tone ${tone}`).toBeLessThan(1e-3)
    }
    const hot = run(sine, { netlist: SD1, params: { drive: 1, tone: 1 }, full_scale_v: 0.5 })
    const top = Math.max(...hot.subarray(m / 2))
    const bottom = -Math.min(...hot.subarray(m / 2))
    expect(top / bottom).toBeGreaterThan(1.4)
    expect(top / bottom).toBeLessThan(2)
  })

  it("distortion.tubescreamer matches the SD-1 netlist at other tone, level and scale settings too", () => {
    const rng = new Rng(11)
    const m = 4800
    // a decaying chord with a little noise, 0.5 V full scale
    const x = Float32Array.from({ length: m }, (_, i) => {
      const t = i / sr
      return Math.exp(-t / 0.04) * (0.4 * Math.sin(2 * Math.PI * 110 * t) + 0.3 * Math.sin(2 * Math.PI * 164.8 * t) + 0.2 * Math.sin(2 * Math.PI * 277 * t)) + 0.01 * rng.normal()
    })
    const ts = effectCatalog.get("distortion.tubescreamer")!
    for (const [drive, tone, level] of [[0.8, 0.3, 0.7], [0.2, 0.9, 0.4]] as const) {
      const spice = run(x, { netlist: SD1, params: { drive, tone, level }, full_scale_v: 0.5, oversample: 4 })
      const params = resolveChain([{ uses: "distortion.tubescreamer", drive, tone, level, full_scale_v: 0.5 }], new Rng(0)).items[0]!.params
      expect(esr(ts.process(x, sr, params, new Rng(0)), spice, 0, m), `drive ${drive} tone ${tone} level ${level}`).toBeLessThan(1e-4)
    }
  })
})
