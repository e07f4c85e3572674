import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { spawn, type ChildProcess } from "node:child_process"
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { join } from "node:path"
import { audiomlAsync, cliPath, repoRoot, runJson, tempDir, type RunJson } from "../helpers/cli.js"
import { freePort, redisServerPath, startRedis, startS3, type RunningRedis, type RunningS3 } from "../helpers/services.js"
import { S3Store } from "../../src/engine/s3-store.js"
import { holdSharedLease } from "../../src/engine/shared-maintenance.js"

// Scale-out: a coordinator (`audioml run --executor queue`) and `audioml worker` processes on
// a real Redis (Debian's redis-server, started here on a free loopback port) and an in-process
// S3 server (@20minutes/s3rver). Skipped, saying why, when redis-server is not installed
// (.ci/run installs it).
const redisMissing = redisServerPath() === undefined
if (redisMissing) console.warn("scale-out tests skipped: redis-server is not installed (apt-get install redis-server)")

const pedal = join(repoRoot, "configs/pedal-study.toml")
const basic = join(repoRoot, "test/fixtures/engine/basic.toml")
const slow = join(repoRoot, "test/fixtures/engine/slow.toml")
const fails = join(repoRoot, "test/fixtures/engine/fails.toml")
// the pedal study on a reduced sweep (one cell, two sizes) and a small dataset: seconds, not minutes
const reduced = [
  "--set", "stages.dry.clips=6",
  "--set", "stages.dry.seconds=0.5",
  "--set", "stages.windows.length=2048",
  "--set", "stages.train.epochs=2",
  "--set", "stages.train.model.cell=lstm",
  "--set", "stages.train.model.hidden=4,6"
]

let redis: RunningRedis
let s3: RunningS3
let counter = 0

/** A fresh queue prefix and S3 prefix per test, so tests sharing the servers never see each other's jobs. */
const isolate = () => {
  const id = `t${process.pid}-${++counter}`
  return { prefix: id, store: `s3://audioml/${id}`, env: { ...s3.env, AUDIOML_QUEUE_PREFIX: id, AUDIOML_QUEUE_LOCK_S: "2" } }
}

interface WorkerProcess {
  readonly child: ChildProcess
  readonly log: () => string
  readonly waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<void>
  readonly kill: () => void
  readonly stop: () => Promise<void>
}

/** Start `audioml worker` in its own process group (so SIGKILL takes its job processes too). */
const startWorker = (cwd: string, args: ReadonlyArray<string>, env: Record<string, string>): WorkerProcess => {
  const child = spawn(process.execPath, [cliPath, "worker", "--allow-plugins", ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true
  })
  let out = ""
  child.stdout!.on("data", (d) => (out += d))
  child.stderr!.on("data", (d) => (out += d))
  const exited = new Promise<void>((res) => child.once("exit", () => res()))
  return {
    child,
    log: () => out,
    waitFor: async (pattern, timeoutMs = 60_000) => {
      const until = Date.now() + timeoutMs
      while (!pattern.test(out)) {
        if (Date.now() > until) throw new Error(`worker log never matched ${pattern}:\n${out}`)
        if (child.exitCode !== null) throw new Error(`worker exited (${child.exitCode}) before ${pattern}:\n${out}`)
        await new Promise((r) => setTimeout(r, 100))
      }
    },
    kill: () => {
      try {
        process.kill(-child.pid!, "SIGKILL")
      } catch {
        // already gone
      }
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, "SIGTERM")
      await exited
    }
  }
}

/**
 * Run audioml without blocking this process: the S3 server runs in it, so a blocking spawn
 * would leave the child's requests unanswered.
 */
const cli = async (args: ReadonlyArray<string>, cwd: string, env: Record<string, string> = {}) => audiomlAsync(args, cwd, env).done

const count = (text: string, pattern: RegExp): number => (text.match(new RegExp(pattern.source, "g")) ?? []).length

/** Node id → artifact hash, per variation: equal hashes mean byte-identical files (the hash is over every file's sha256). */
const artifacts = (run: RunJson) => run.variations.map((v) => Object.fromEntries(v.nodes.map((n) => [n.id, n.artifact])))

describe.skipIf(redisMissing)("scale-out: coordinator and workers on Redis and S3", () => {
  beforeAll(async () => {
    redis = await startRedis()
    s3 = await startS3(["audioml"])
    // this process's own S3 clients (to look into the store) use the same endpoint and credentials
    Object.assign(process.env, s3.env)
  }, 30_000)
  afterAll(async () => {
    await redis?.stop()
    await s3?.stop()
  })

  it(
    "the pedal study through 2 workers gives the local run's bytes, survives a worker killed mid-training, and a rerun dispatches nothing",
    async () => {
      const local = runJson([pedal, ...reduced, "--no-report"], tempDir())
      const { store, env } = isolate()
      const dir = tempDir()
      const coordinatorEnv = { ...env, AUDIOML_CACHE_DIR: join(dir, "coordinator-cache") }
      // worker A stops inside the first training, after epoch 1's checkpoint (a barrier that never opens)
      const cacheA = join(dir, "cache-a")
      const a = startWorker(dir, ["--redis", redis.url, "--store", store], {
        ...env,
        AUDIOML_CACHE_DIR: cacheA,
        AUDIOML_FAULT: `pause:train:epoch:${join(dir, "never")}`
      })
      let b: WorkerProcess | undefined
      try {
        await a.waitFor(/audioml worker on/)
        const run = audiomlAsync(["run", pedal, ...reduced, "--no-report", "--json", "--executor", "queue", "--redis", redis.url, "--store", store], dir, coordinatorEnv)
        await a.waitFor(/started train/)
        const checkpoints = join(cacheA, "checkpoints")
        for (let i = 0; !(existsSync(checkpoints) && readdirSync(checkpoints).length > 0); i++) {
          if (i > 600) throw new Error(`worker A never reached epoch 1:\n${a.log()}`)
          await new Promise((r) => setTimeout(r, 100))
        }
        b = startWorker(dir, ["--redis", redis.url, "--store", store], { ...env, AUDIOML_CACHE_DIR: join(dir, "cache-b") })
        await b.waitFor(/audioml worker on/)
        a.kill() // SIGKILL, mid-training: its job lock stops being renewed
        const done = await run.done
        expect(done.stderr).not.toMatch(/internal error/)
        expect(done.status).toBe(0)
        const queued = JSON.parse(done.stdout) as RunJson
        // progress reported by the stages on the workers reaches the coordinator's terminal
        expect(done.stderr).toMatch(/^ {2}\w+: \d+\/\d+/m)

        // every artifact of every variation is byte-identical to the local run's
        expect(artifacts(queued)).toEqual(artifacts(local))
        for (const [i, v] of queued.variations.entries()) {
          const metrics = (d: string) => readFileSync(join(d, "evaluate", "metrics.json"))
          expect(metrics(v.run).equals(metrics(local.variations[i]!.run))).toBe(true)
        }
        // the killed worker never finished the training; the other one ran it
        expect(a.log()).not.toMatch(/finished train/)
        expect(b.log()).toMatch(/started train/)
        const manifest = JSON.parse(readFileSync(join(queued.runs[0]!, "manifest.json"), "utf8"))
        const train = manifest.nodes.find((n: { id: string }) => n.id === "train")
        expect(train.worker).toMatchObject({ executor: "queue", pid: expect.any(Number), host: expect.any(String), gpu: false })
        expect(train.worker.backend).not.toBe("none")

        // the second run is all cache hits, and no job reaches a worker
        const before = b.log()
        const again = await cli(["run", pedal, ...reduced, "--no-report", "--json", "--executor", "queue", "--redis", redis.url, "--store", store], dir, coordinatorEnv)
        expect(again.status).toBe(0)
        const rerun = JSON.parse(again.stdout) as RunJson
        expect(rerun.variations.flatMap((v) => v.nodes.map((n) => n.cached))).not.toContain(false)
        expect(b.log().slice(before.length)).not.toMatch(/started/)
      } finally {
        a.kill()
        await b?.stop()
      }
    },
    240_000
  )

  it("a stage that fails deterministically runs once, and the coordinator prints its error", async () => {
    const { store, env } = isolate()
    const dir = tempDir()
    // the coordinator starts first: it says that no worker is there yet, and waits for one
    const run = audiomlAsync(["run", fails, "--executor", "queue", "--redis", redis.url, "--store", store, "--no-report"], dir, { ...env, AUDIOML_CACHE_DIR: join(dir, "cache-c") })
    for (let i = 0; !run.output().stderr.includes("no worker takes jobs from the cpu queue yet"); i++) {
      if (i > 600) throw new Error(`the coordinator never said it waits for a worker:\n${run.output().stderr}`)
      await new Promise((r) => setTimeout(r, 100))
    }
    const w = startWorker(dir, ["--redis", redis.url, "--store", store], { ...env, AUDIOML_CACHE_DIR: join(dir, "cache-w") })
    try {
      const r = await run.done
      expect(r.status).toBe(1)
      expect(r.stderr).toContain("audioml: stages.broken: the input has no values above 2000 (deterministic)")
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /)
      expect(count(w.log(), /started broken/)).toBe(1)
      expect(count(w.log(), /failed broken/)).toBe(1)
      expect(w.log()).not.toMatch(/retried/)
    } finally {
      await w.stop()
    }
  }, 60_000)

  it("two coordinators with overlapping sweeps share the common nodes: each is computed once, both complete", async () => {
    const { store, env } = isolate()
    const dir = tempDir()
    const w = startWorker(dir, ["--redis", redis.url, "--store", store, "--concurrency", "2"], { ...env, AUDIOML_CACHE_DIR: join(dir, "cache-w") })
    try {
      await w.waitFor(/audioml worker on/)
      const args = (amount: string) => ["run", slow, "--set", `stages.after.amount=${amount}`, "--json", "--no-report", "--executor", "queue", "--redis", redis.url, "--store", store]
      const one = audiomlAsync(args("1,2"), tempDir(), { ...env, AUDIOML_CACHE_DIR: join(dir, "cache-1") })
      const two = audiomlAsync(args("2,3"), tempDir(), { ...env, AUDIOML_CACHE_DIR: join(dir, "cache-2") })
      const [r1, r2] = await Promise.all([one.done, two.done])
      expect(r1.status, r1.stderr).toBe(0)
      expect(r2.status, r2.stderr).toBe(0)
      // src and slow are common to all four variations, after=2 to one of each: all computed once
      expect(count(w.log(), /started src /)).toBe(1)
      expect(count(w.log(), /started slow /)).toBe(1)
      expect(count(w.log(), /started after /)).toBe(3)
      const keyOf = (r: { stdout: string }, id: string) => (JSON.parse(r.stdout) as RunJson).variations.map((v) => v.nodes.find((n) => n.id === id)!.key)
      expect(new Set([...keyOf(r1, "slow"), ...keyOf(r2, "slow")]).size).toBe(1)

      // another store on the same Redis has its own queues: its coordinator gets no finished job
      // of this store (the nodes are not in its store), and this store's worker takes none of its jobs
      const other = audiomlAsync(args("1"), tempDir(), { ...env, AUDIOML_CACHE_DIR: join(dir, "cache-3") }) // same --store: a hit
      expect((await other.done).status).toBe(0)
      const elsewhere = audiomlAsync(
        ["run", slow, "--no-report", "--executor", "queue", "--redis", redis.url, "--store", `${store}-other`],
        tempDir(),
        { ...env, AUDIOML_CACHE_DIR: join(dir, "cache-4") }
      )
      for (let i = 0; !elsewhere.output().stderr.includes("no worker takes jobs from the cpu queue yet"); i++) {
        if (i > 600) throw new Error(`the coordinator of another store found a worker:\n${elsewhere.output().stderr}`)
        await new Promise((r) => setTimeout(r, 100))
      }
      elsewhere.child.kill("SIGKILL")
      await elsewhere.done
      expect(count(w.log(), /started src /)).toBe(1)
    } finally {
      await w.stop()
    }
  }, 120_000)

  it("a node whose params say resources = \"gpu\" goes to the gpu queue, the others to cpu", async () => {
    const { store, env } = isolate()
    const dir = tempDir()
    const cpu = startWorker(dir, ["--redis", redis.url, "--store", store], { ...env, AUDIOML_CACHE_DIR: join(dir, "cache-cpu") })
    const gpu = startWorker(dir, ["--redis", redis.url, "--store", store, "--queues", "gpu"], { ...env, AUDIOML_CACHE_DIR: join(dir, "cache-gpu") })
    try {
      await cpu.waitFor(/audioml worker on/)
      await gpu.waitFor(/audioml worker on/)
      const r = await cli(["run", slow, "--set", "stages.slow.resources=gpu", "--no-report", "--executor", "queue", "--redis", redis.url, "--store", store], dir, {
        ...env,
        AUDIOML_CACHE_DIR: join(dir, "cache-c")
      })
      expect(r.status, r.stderr).toBe(0)
      expect(gpu.log()).toMatch(/started slow \(\w+\) of engine-slow \[gpu\]/)
      expect(gpu.log()).not.toMatch(/started (src|after) /)
      expect(cpu.log()).toMatch(/started src \(\w+\) of engine-slow \[cpu\]/)
      expect(cpu.log()).toMatch(/started after /)
      expect(cpu.log()).not.toMatch(/started slow /)
    } finally {
      await cpu.stop()
      await gpu.stop()
    }
  }, 60_000)

  it("an unreachable Redis or store is a clear error at once: no run folder, nothing stored", async () => {
    const { store, env: base } = isolate()
    const closed = await freePort()
    const dir = tempDir()
    const env = { ...base, AUDIOML_CACHE_DIR: join(dir, "cache") }
    const noRedis = await cli(["run", basic, "--executor", "queue", "--redis", `redis://127.0.0.1:${closed}`, "--store", store], dir, env)
    expect(noRedis.status).toBe(1)
    expect(noRedis.stderr).toContain(`audioml: --redis: cannot reach Redis at redis://127.0.0.1:${closed}: ECONNREFUSED`)
    const noStore = await cli(["run", basic, "--executor", "queue", "--redis", redis.url, "--store", store], dir, { ...env, AWS_ENDPOINT_URL: `http://127.0.0.1:${closed}` })
    expect(noStore.status).toBe(1)
    expect(noStore.stderr).toMatch(new RegExp(`audioml: --store ${store}: cannot reach the bucket: .*ECONNREFUSED`))
    expect(noStore.stderr).not.toMatch(/internal error|\n\s+at /)
    const noWorkerRedis = await cli(["worker", "--redis", `redis://127.0.0.1:${closed}`, "--store", store], dir, env)
    expect(noWorkerRedis.status).toBe(1)
    expect(noWorkerRedis.stderr).toContain("cannot reach Redis")
    // malformed URLs are the user's to fix: exit 2, naming the flag
    const badRedis = await cli(["run", basic, "--executor", "queue", "--redis", "http://127.0.0.1:1", "--store", store], dir, env)
    expect(badRedis.status).toBe(2)
    expect(badRedis.stderr).toContain("audioml: --redis http://127.0.0.1:1: not a Redis URL (redis://host:6379)")
    const badBucket = await cli(["run", basic, "--store", "s3://No_Such"], dir, env)
    expect(badBucket.status).toBe(2)
    expect(badBucket.stderr).toContain('audioml: --store s3://No_Such: "No_Such" is not a valid bucket name')
    const noRedisUrl = await cli(["run", basic, "--executor", "queue", "--store", store], dir, { ...env, AUDIOML_REDIS: "" })
    expect(noRedisUrl.status).toBe(2)
    expect(noRedisUrl.stderr).toContain("--executor queue needs --redis")
    expect(existsSync(join(dir, "runs"))).toBe(false)
    const shared = new S3Store(store, { bucket: "audioml", prefix: `${store.split("/").pop()}/` }, { endpoint: s3.endpoint })
    expect((await shared.listEntries()).size).toBe(0)
    shared.close()
  }, 60_000)

  it("cache gc on S3 keeps everything while a coordinator's lease is live, then removes what no run references; verify finds a corrupt object", async () => {
    const { store, env } = isolate()
    const dir = tempDir()
    const cacheEnv = { ...env, AUDIOML_CACHE_DIR: join(dir, "cache") }
    // the local executor with the S3 store: computed nodes are pushed there, the run referenced there
    const first = await cli(["run", basic, "--store", store, "--json", "--no-report"], dir, cacheEnv)
    expect(first.status, first.stderr).toBe(0)
    const run = JSON.parse(first.stdout) as RunJson
    const shared = new S3Store(store, { bucket: "audioml", prefix: `${store.split("/").pop()}/` }, { endpoint: s3.endpoint })
    try {
      const objects = (await shared.listObjects()).size
      expect((await shared.listEntries()).size).toBe(5)
      expect(objects).toBeGreaterThan(0)

      // the run is referenced: gc keeps all of it
      const kept = await cli(["cache", "gc", "--store", store, "--grace-minutes", "0", "--yes", "--json"], dir, cacheEnv)
      expect(kept.status, kept.stderr).toBe(0)
      expect(JSON.parse(kept.stdout)).toMatchObject({ entriesRemoved: 0, objectsRemoved: 0, refsKept: 1 })

      // the run folder is deleted, but a coordinator holds a lease: nothing goes
      expect(run.runs.every((r) => existsSync(r))).toBe(true)
      rmSync(join(dir, "runs", "engine-basic"), { recursive: true })
      const lease = await holdSharedLease(shared, "a coordinator in the test")
      const busy = await cli(["cache", "gc", "--store", store, "--grace-minutes", "0", "--yes"], dir, cacheEnv)
      expect(busy.status).toBe(1)
      expect(busy.stderr).toContain("1 run(s) in progress on this store; nothing removed")
      expect((await shared.listObjects()).size).toBe(objects)
      expect((await shared.listEntries()).size).toBe(5)
      await lease.release()

      // verify: one object overwritten with other bytes is found, and its entry dropped
      const victim = [...(await shared.listObjects()).keys()][0]!
      await shared.writeObject(victim, new TextEncoder().encode("not the bytes this name promises"))
      const verify = await cli(["cache", "verify", "--store", store], dir, cacheEnv)
      expect(verify.status).toBe(1)
      expect(verify.stdout).toMatch(/corrupt: node \w+ .*checksum mismatch|size \d+, expected/)

      // lease gone: the unreferenced entries and objects go
      const gc = await cli(["cache", "gc", "--store", store, "--grace-minutes", "0", "--yes", "--json"], dir, cacheEnv)
      expect(gc.status, gc.stderr).toBe(0)
      expect(JSON.parse(gc.stdout)).toMatchObject({ refsDropped: 1 })
      expect((await shared.listEntries()).size).toBe(0)
      expect((await shared.listObjects()).size).toBe(0)
    } finally {
      shared.close()
    }
  }, 60_000)

  it("large objects go up in parts and come back byte for byte; presence is a HEAD check", async () => {
    const shared = new S3Store("s3://audioml/multipart", { bucket: "audioml", prefix: "multipart/" }, { endpoint: s3.endpoint, multipartThreshold: 1 << 20, partSize: 5 << 20 })
    try {
      const { sha256Hex } = await import("../../src/engine/hash.js")
      const bytes = new Uint8Array(11 << 20).map((_, i) => (i * 2654435761) >>> 24)
      const sha = sha256Hex(bytes)
      expect(await shared.hasObject({ name: "big.bin", sha256: sha, size: bytes.byteLength })).toBe(false)
      await shared.writeObject(sha, bytes)
      expect(await shared.hasObject({ name: "big.bin", sha256: sha, size: bytes.byteLength })).toBe(true)
      const back = await shared.readObject(sha)
      expect(sha256Hex(back!)).toBe(sha)
    } finally {
      shared.close()
    }
  }, 60_000)
})
