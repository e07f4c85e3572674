// Calls the LUFS kernels the way the features stage does (mono, stereo, subarrays, other rates),
// for test/features/lufs-jit.test.ts, which runs it under node --trace-opt --trace-deopt.
const { integratedLoudness, kWeightedPower } = await import(process.argv[2])
const sr = 48000
const tone = (n, f) => Float32Array.from({ length: n }, (_, i) => 0.3 * Math.sin((2 * Math.PI * f * i) / sr))
const a = tone(sr * 3, 440), b = tone(sr * 2, 1000)
for (let r = 0; r < 20; r++) {
  integratedLoudness([a], sr)
  integratedLoudness([a, b.subarray(0, a.length)], sr)
  kWeightedPower([b], sr)
  integratedLoudness([b.subarray(100)], 44100)
}
