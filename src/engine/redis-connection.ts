import { connect } from "node:net"
import { connect as tlsConnect } from "node:tls"

/** ioredis connection options (what BullMQ takes as `connection`) parsed from a redis:// URL. */
export interface RedisConnection {
  readonly host: string
  readonly port: number
  readonly username?: string
  readonly password?: string
  readonly db?: number
  readonly tls?: Record<string, never>
  /** BullMQ workers need null: a blocking command must wait for Redis to come back, not fail. */
  readonly maxRetriesPerRequest: null
}

/** Parse `redis://[user:password@]host[:port][/db]` (or rediss:// for TLS); an Error naming the URL when malformed. */
export const parseRedisUrl = (url: string): RedisConnection | Error => {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return new Error(`${url}: not a Redis URL (redis://host:6379)`)
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") return new Error(`${url}: not a Redis URL (redis://host:6379)`)
  if (u.hostname === "") return new Error(`${url}: no host name`)
  const db = u.pathname.replace(/^\//, "")
  if (db !== "" && !/^\d+$/.test(db)) return new Error(`${url}: the database "${db}" is not a number`)
  return {
    host: u.hostname.replace(/^\[|\]$/g, ""),
    port: u.port === "" ? 6379 : Number(u.port),
    ...(u.username !== "" ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password !== "" ? { password: decodeURIComponent(u.password) } : {}),
    ...(db !== "" ? { db: Number(db) } : {}),
    ...(u.protocol === "rediss:" ? { tls: {} } : {}),
    maxRetriesPerRequest: null
  }
}

const command = (...args: string[]): string => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`

/**
 * Check that Redis answers (AUTH when the URL has a password, then PING) within `timeoutMs`
 * (default 3 s), so an unreachable server is a clear error at start, not a hang: ioredis
 * itself retries for ever. Throws an Error naming the URL and what went wrong.
 */
export const checkRedis = (url: string, connection: RedisConnection, timeoutMs = 3000): Promise<void> =>
  new Promise((resolve, reject) => {
    const socket =
      connection.tls !== undefined
        ? tlsConnect({ host: connection.host, port: connection.port, servername: connection.host })
        : connect({ host: connection.host, port: connection.port })
    let answer = ""
    const fail = (why: string) => {
      socket.destroy()
      reject(new Error(`cannot reach Redis at ${url}: ${why}`))
    }
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs / 1000} s`), timeoutMs)
    socket.once("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      fail(e.code ?? e.message)
    })
    socket.once(connection.tls !== undefined ? "secureConnect" : "connect", () => {
      const auth = connection.password !== undefined ? command("AUTH", ...(connection.username !== undefined ? [connection.username] : []), connection.password) : ""
      socket.write(auth + command("PING"))
    })
    socket.on("data", (d) => {
      answer += d.toString("utf8")
      if (answer.startsWith("-")) {
        clearTimeout(timer)
        return fail(answer.split("\r\n")[0]!.slice(1))
      }
      if (answer.includes("+PONG")) {
        clearTimeout(timer)
        socket.end()
        resolve()
      }
    })
  })
