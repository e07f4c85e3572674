import { describe, expect, it } from "vitest"
import * as Effect from "effect/Effect"
import {
  AudioFormatError,
  BackendError,
  DataError,
  FileFormatError,
  InvariantViolation,
  LossError,
  ModelError,
  ParameterError,
  invariant,
  isAudiomlError,
  withContext
} from "../../src/errors/audioml-error.js"

describe("the audioml error family", () => {
  const members = [
    ParameterError.of("n_fft", "must be a power of two >= 2, got 1000"),
    AudioFormatError.of("dry/a.wav", "is not a WAV file"),
    FileFormatError.of("model/model.json", "has no weights manifest"),
    new DataError({ message: "clips differ in length" }),
    new ModelError({ message: "hidden: must be >= 1" }),
    new LossError({ message: "unknown loss" }),
    new BackendError({ backend: "wasm", message: "cannot load" })
  ]

  it("every member is a throwable Error carrying its tag and the family brand", () => {
    for (const e of members) {
      expect(e).toBeInstanceOf(Error)
      expect(isAudiomlError(e)).toBe(true)
      expect(() => {
        throw e
      }).toThrow(e.message)
    }
    expect(members.map((e) => e._tag)).toEqual([
      "ParameterError",
      "AudioFormatError",
      "FileFormatError",
      "DataError",
      "ModelError",
      "LossError",
      "BackendError"
    ])
  })

  it("messages name the parameter or the file first", () => {
    expect(members[0]!.message).toBe("n_fft: must be a power of two >= 2, got 1000")
    expect((members[0] as ParameterError).parameter).toBe("n_fft")
    expect(members[1]!.message).toBe("dry/a.wav: is not a WAV file")
    expect((members[1] as AudioFormatError).file).toBe("dry/a.wav")
    expect((members[1] as AudioFormatError).reason).toBe("is not a WAV file")
  })

  it("plain errors and invariant violations are not members (they are bugs)", () => {
    expect(isAudiomlError(new Error("x"))).toBe(false)
    expect(isAudiomlError({ _tag: "ParameterError", message: "look-alike" })).toBe(false)
    expect(isAudiomlError(undefined)).toBe(false)
    expect(() => invariant(1 + 1 === 3, "arithmetic broke")).toThrow(InvariantViolation)
    expect(() => invariant(true, "fine")).not.toThrow()
  })

  it("withContext prefixes the message and keeps the member (and its fields)", () => {
    const inner = ParameterError.of("q", "must be > 0")
    const outer = withContext(inner, "chain[1] (eq.peaking)")
    expect(outer).toBeInstanceOf(ParameterError)
    expect(outer.message).toBe("chain[1] (eq.peaking): q: must be > 0")
    expect((outer as ParameterError).parameter).toBe("q")
    expect(isAudiomlError(outer)).toBe(true)
    const plain = withContext(new Error("boom"), "clip 3")
    expect(isAudiomlError(plain)).toBe(false)
    expect(plain.message).toBe("clip 3: boom")
  })

  it("members can be matched by tag in Effect code", async () => {
    const recovered = await Effect.runPromise(
      Effect.fail(ParameterError.of("hop", "must be > 0")).pipe(
        Effect.catchTag("ParameterError", (e) => Effect.succeed(`caught ${e.parameter}`))
      )
    )
    expect(recovered).toBe("caught hop")
  })
})
