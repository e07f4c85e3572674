import { describe, expect, test } from "vitest"
import { closest, didYouMean, editDistance } from "../../src/params/did-you-mean.js"
import { parseValue, splitTopLevel } from "../../src/config/overrides.js"
import { formatPath, parsePath, pointerSegments, setAt } from "../../src/params/toml-path.js"

describe("TOML paths", () => {
  test("parse and format round-trip", () => {
    for (const text of ["seed", "stages.wet.chain[1].drive_db", "a[0][2].b", 'stages."my stage".x', 'sweep."stages.m.hidden"']) {
      const segments = parsePath(text)
      expect(typeof segments).not.toBe("string")
      expect(formatPath(segments as ReadonlyArray<string | number>)).toBe(text)
    }
    expect(parsePath("stages.wet.chain[1].drive_db")).toEqual(["stages", "wet", "chain", 1, "drive_db"])
  })

  test("bad paths say what is wrong", () => {
    expect(parsePath("stages..x")).toMatch(/expected a key at position 8/)
    expect(parsePath("a.")).toMatch(/ends with/)
    expect(parsePath("a[x]")).toMatch(/bad index/)
    expect(parsePath("a b")).toMatch(/unexpected " "/)
    expect(parsePath("")).toBe("empty path")
  })

  test("ajv pointers become indices only where the data holds an array", () => {
    const data = { chain: [{ a: 1 }], table: { "1": 2 } }
    expect(pointerSegments("/chain/0/a", data)).toEqual(["chain", 0, "a"])
    expect(pointerSegments("/table/1", data)).toEqual(["table", "1"])
    expect(formatPath(pointerSegments("/chain/0/a", data))).toBe("chain[0].a")
  })

  test("setAt creates missing tables, refuses indexing non-arrays", () => {
    const data: Record<string, unknown> = { list: [1, 2], n: 3 }
    expect(setAt(data, ["a", "b", "c"], 1)).toBeUndefined()
    expect(setAt(data, ["list", 1], 5)).toBeUndefined()
    expect(setAt(data, ["list", 2], 6)).toBeUndefined() // one past the end appends
    expect(data).toEqual({ list: [1, 5, 6], n: 3, a: { b: { c: 1 } } })
    expect(setAt(data, ["n", 0], 1)).toMatch(/n is not an array/)
    expect(setAt(data, ["n", "x"], 1)).toMatch(/n is not a table/)
    expect(setAt(data, ["list", 9], 1)).toMatch(/out of range/)
  })
})

describe("--set values", () => {
  test("TOML values, with bare strings as a fallback", () => {
    expect(parseValue("64")).toBe(64)
    expect(parseValue("0.5")).toBe(0.5)
    expect(parseValue("true")).toBe(true)
    expect(parseValue('"x y"')).toBe("x y")
    expect(parseValue("limit")).toBe("limit")
    expect(parseValue("[1, 2]")).toEqual([1, 2])
    expect(parseValue("{ uniform = [0, 1] }")).toEqual({ uniform: [0, 1] })
  })

  test("commas split only at the top level", () => {
    expect(splitTopLevel("1,2,3")).toEqual(["1", "2", "3"])
    expect(splitTopLevel("[1,2],[3]")).toEqual(["[1,2]", "[3]"])
    expect(splitTopLevel('"a,b",c')).toEqual(['"a,b"', "c"])
    expect(splitTopLevel("{ uniform = [0, 1] }")).toEqual(["{ uniform = [0, 1] }"])
  })
})

describe("did you mean", () => {
  test("Damerau-Levenshtein distance (adjacent transpositions count 1)", () => {
    expect(editDistance("kitten", "sitting")).toBe(3)
    expect(editDistance("frq", "freq")).toBe(1)
    expect(editDistance("unifrom", "uniform")).toBe(1)
    expect(editDistance("", "abc")).toBe(3)
    expect(editDistance("same", "same")).toBe(0)
  })

  test("suggests only plausible typos", () => {
    expect(closest("frq", ["freq", "q", "gain_db"])).toBe("freq")
    expect(closest("Seed", ["seed", "name"])).toBe("seed")
    expect(closest("zzz", ["freq", "q"])).toBeUndefined()
    expect(closest("x", ["y"])).toBeUndefined()
    expect(didYouMean("hiden", ["hidden", "lr"])).toBe(' — did you mean "hidden"?')
    expect(didYouMean("banana", ["hidden", "lr"])).toBe("")
  })
})
