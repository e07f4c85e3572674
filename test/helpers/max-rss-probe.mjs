// Loaded with `node --import` into a child process: prints its peak resident set size at exit,
// so a test can compare the memory of two runs without timing anything.
process.on("exit", () => {
  process.stderr.write(`AUDIOML_MAX_RSS_KB=${process.resourceUsage().maxRSS}\n`)
})
