import { spawn, type ChildProcess } from "node:child_process"
import { existsSync, mkdtempSync } from "node:fs"
import { createServer } from "node:net"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { checkRedis, parseRedisUrl } from "../../src/engine/redis-connection.js"

/** Where Debian's redis-server is, or undefined (the scale-out tests then skip, saying why). */
export const redisServerPath = (): string | undefined => ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].find((p) => existsSync(p))

/** A free TCP port on the loopback address. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port
      server.close(() => resolve(port))
    })
  })

export interface RunningRedis {
  readonly url: string
  readonly stop: () => Promise<void>
}

/** Start redis-server on a free loopback port, without persistence; resolves once it answers PING. */
export const startRedis = async (): Promise<RunningRedis> => {
  const bin = redisServerPath()
  if (bin === undefined) throw new Error("redis-server is not installed")
  const port = await freePort()
  const child: ChildProcess = spawn(bin, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" })
  const url = `redis://127.0.0.1:${port}`
  const connection = parseRedisUrl(url) as Exclude<ReturnType<typeof parseRedisUrl>, Error>
  for (let i = 0; ; i++) {
    try {
      await checkRedis(url, connection, 1000)
      break
    } catch (e) {
      if (i > 50) throw e
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once("exit", () => resolve())
        child.kill("SIGTERM")
      })
  }
}

export interface RunningS3 {
  /** The endpoint, e.g. http://127.0.0.1:4568. */
  readonly endpoint: string
  /** Environment for processes that use it: endpoint and s3rver's fixed credentials. */
  readonly env: Record<string, string>
  readonly stop: () => Promise<void>
}

/** Start @20minutes/s3rver in this process on a free loopback port, with the buckets given. */
export const startS3 = async (buckets: ReadonlyArray<string>): Promise<RunningS3> => {
  const require = createRequire(import.meta.url)
  const S3rver = require("@20minutes/s3rver") as new (options: Record<string, unknown>) => { run: () => Promise<unknown>; close: () => Promise<void> }
  const port = await freePort()
  const server = new S3rver({
    address: "127.0.0.1",
    port,
    silent: true,
    // s3rver 4 computes SigV4 differently from the current SDK for some requests (SignatureDoesNotMatch
    // on ListObjectsV2); the tests are about the store's layout and protocol, not request signing
    allowMismatchedSignatures: true,
    directory: mkdtempSync(join(tmpdir(), "audioml-s3rver-")),
    configureBuckets: buckets.map((name) => ({ name }))
  })
  await server.run()
  const endpoint = `http://127.0.0.1:${port}`
  return {
    endpoint,
    env: { AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER", AWS_REGION: "us-east-1" },
    stop: () => server.close()
  }
}
