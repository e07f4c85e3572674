import { spawn, type ChildProcess } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { createRequire } from "node:module"
import { createServer } from "node:net"
import { loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { checkRedis, parseRedisUrl, type RedisConnection } from "../engine/redis-connection.js"

/**
 * `npm run bench -- scale-out`: wall time of `configs/pedal-study.toml` (cold: a fresh store
 * each time) run by a coordinator with `--executor queue` and 1, 2 and 3 `audioml worker`
 * processes on this machine, against Debian's redis-server and an in-process
 * @20minutes/s3rver on loopback. Wall time, since that is what workers change; on a machine
 * with fewer cores than workers it mostly measures contention, so print the load with it.
 * AUDIOML_BENCH_SCALE_SET="a=1;b=2" adds --set overrides (a quick check on a tiny variant).
 */

const repo = fileURLToPath(new URL("../..", import.meta.url))
const bin = join(repo, "dist/cli/bin.js")

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port
      server.close(() => resolve(port))
    })
  })

const exited = (child: ChildProcess): Promise<number | null> =>
  new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once("exit", (code) => resolve(code))))

export const run = async (): Promise<void> => {
  const redisPort = await freePort()
  const redisChild = spawn("redis-server", ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" })
  const redisUrl = `redis://127.0.0.1:${redisPort}`
  const connection = parseRedisUrl(redisUrl) as RedisConnection
  for (let i = 0; ; i++) {
    try {
      await checkRedis(redisUrl, connection, 1000)
      break
    } catch (e) {
      if (i > 50) throw new Error(`redis-server did not start (is it installed?): ${(e as Error).message}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  const S3rver = createRequire(import.meta.url)("@20minutes/s3rver") as new (o: Record<string, unknown>) => { run: () => Promise<unknown>; close: () => Promise<void> }
  const s3Port = await freePort()
  const s3 = new S3rver({
    address: "127.0.0.1",
    port: s3Port,
    silent: true,
    allowMismatchedSignatures: true,
    directory: mkdtempSync(join(tmpdir(), "audioml-bench-s3-")),
    configureBuckets: [{ name: "bench" }]
  })
  await s3.run()
  const sets = (process.env["AUDIOML_BENCH_SCALE_SET"] ?? "").split(";").filter((s) => s !== "").flatMap((s) => ["--set", s])
  const baseEnv = {
    ...process.env,
    AWS_ENDPOINT_URL: `http://127.0.0.1:${s3Port}`,
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
    AWS_REGION: "us-east-1"
  }
  try {
    console.log(`pedal-study${sets.length > 0 ? ` ${sets.filter((s) => s !== "--set").join(" ")}` : ""}, cold, coordinator + N workers on this machine (wall seconds)`)
    for (const workers of [1, 2, 3]) {
      const work = mkdtempSync(join(tmpdir(), `audioml-bench-scale-${workers}-`))
      const store = `s3://bench/n${workers}-${process.pid}`
      const env = { ...baseEnv, AUDIOML_QUEUE_PREFIX: `bench${process.pid}` }
      const children = Array.from({ length: workers }, (_, i) =>
        spawn(process.execPath, [bin, "worker", "--redis", redisUrl, "--store", store], {
          cwd: work,
          env: { ...env, AUDIOML_CACHE_DIR: join(work, `worker-${i}`) },
          stdio: "ignore"
        })
      )
      try {
        const load = loadavg()[0]!
        const started = performance.now()
        const coordinator = spawn(
          process.execPath,
          [bin, "run", join(repo, "configs/pedal-study.toml"), ...sets, "--executor", "queue", "--redis", redisUrl, "--store", store, "--no-report"],
          { cwd: work, env: { ...env, AUDIOML_CACHE_DIR: join(work, "coordinator") }, stdio: "ignore" }
        )
        const code = await exited(coordinator)
        if (code !== 0) throw new Error(`the coordinator failed (exit ${code}) with ${workers} worker(s); rerun it by hand in ${work}`)
        const seconds = (performance.now() - started) / 1000
        console.log(`${workers} worker${workers > 1 ? "s" : " "}   wall ${seconds.toFixed(1)} s   (load average at start ${load.toFixed(1)}, after ${loadavg()[0]!.toFixed(1)})`)
      } finally {
        for (const c of children) c.kill("SIGTERM")
        await Promise.all(children.map(exited))
      }
    }
  } finally {
    await s3.close()
    redisChild.kill("SIGTERM")
    await exited(redisChild)
  }
}
