/**
 * Run an async function over items with at most `limit` in flight, results in order.
 * File-system calls go through libuv's thread pool: thousands of them awaited one by one
 * spend most of their time waiting; a few dozen at once keep the pool busy.
 */
export const mapLimit = async <T, R>(items: ReadonlyArray<T>, limit: number, f: (item: T, index: number) => Promise<R>): Promise<R[]> => {
  const out = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await f(items[i]!, i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}
