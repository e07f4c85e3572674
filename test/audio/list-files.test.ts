import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { globToRegExp, listFiles } from "../../src/audio/list-files.js"

describe("globToRegExp", () => {
  it("supports *, **, ?, [..], {a,b} and ignores case", () => {
    expect(globToRegExp("*.wav").test("a.WAV")).toBe(true)
    expect(globToRegExp("*.wav").test("d/a.wav")).toBe(false)
    expect(globToRegExp("**/*.wav").test("a.wav")).toBe(true)
    expect(globToRegExp("**/*.wav").test("x/y/a.wav")).toBe(true)
    expect(globToRegExp("take?.{wav,flac}").test("take1.flac")).toBe(true)
    expect(globToRegExp("take[0-2].wav").test("take3.wav")).toBe(false)
    expect(globToRegExp("a+b(1).wav").test("a+b(1).wav")).toBe(true)
  })
})

describe("listFiles", () => {
  it("lists sorted relative paths, recursive or not, skipping hidden files", () => {
    const root = mkdtempSync(join(tmpdir(), "audioml-list-"))
    mkdirSync(join(root, "b/c"), { recursive: true })
    for (const f of ["z.wav", "a.wav", "b/m.wav", "b/c/k.WAV", "b/notes.txt", ".hidden.wav"]) writeFileSync(join(root, f), "")
    expect(listFiles(root, { glob: "*.wav", recursive: true })).toEqual(["a.wav", "b/c/k.WAV", "b/m.wav", "z.wav"])
    expect(listFiles(root, { glob: "*.wav", recursive: false })).toEqual(["a.wav", "z.wav"])
    expect(listFiles(root, { glob: "b/*.wav", recursive: true })).toEqual(["b/m.wav"])
  })
})
