import { it } from "vitest"
import { run } from "../src/bench/synthetic.js"
it("bench", async () => { await run() })
