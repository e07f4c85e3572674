import { checkRedis, parseRedisUrl, type RedisConnection } from "../engine/redis-connection.js"
import { badInput, UserError } from "./user-error.js"

/**
 * The connection a `--redis` URL names, once Redis has answered a PING (within 3 s): a
 * malformed URL is exit 2, an unreachable server exit 1, both naming the URL.
 */
export const connectRedis = async (url: string): Promise<RedisConnection> => {
  const connection = parseRedisUrl(url)
  if (connection instanceof Error) throw badInput(`--redis ${connection.message}`)
  try {
    await checkRedis(url, connection)
  } catch (e) {
    throw new UserError({ message: `--redis: ${(e as Error).message}`, exitCode: 1 })
  }
  return connection
}
