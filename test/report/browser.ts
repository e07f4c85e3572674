import { existsSync, mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import type { BrowserContext } from "playwright-core"

/** Debian's chromium; the browser test skips (saying so) when it is not installed. */
export const CHROMIUM = "/usr/bin/chromium"
export const chromiumMissing = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} not found (apt-get install chromium; .ci/run does)`

/**
 * Headless Chromium, sandbox-free, with nothing that talks to the network by itself, on a
 * fresh profile (--user-data-dir, which playwright takes as launchPersistentContext's folder).
 */
export const launchChromium = async (): Promise<BrowserContext> => {
  const { chromium } = await import("playwright-core")
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "audioml-chromium-")), {
    executablePath: CHROMIUM,
    viewport: { width: 1280, height: 900 },
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync"
    ]
  })
}

/** What a page showed in the browser. */
export interface PageCheck {
  readonly consoleErrors: string[]
  /**
   * Failed requests, except a media download the browser stopped itself (net::ERR_ABORTED) on
   * an <audio> that has its metadata: preload="metadata" reads the header and stops there.
   */
  readonly failedRequests: string[]
  /** Per chart figure: the series it should draw, and which of them have marks in its SVG. */
  readonly charts: Array<{ series: string[]; drawn: string[]; marks: number }>
  readonly images: Array<{ alt: string; naturalWidth: number }>
  readonly audio: Array<{ src: string; readyState: number; duration: number }>
}

/**
 * Open `file` from disk, wait until every <audio> has its metadata (or 20 s), collect what
 * it drew, and save a full-page screenshot to `screenshot`.
 */
export const checkPage = async (browser: BrowserContext, file: string, screenshot: string): Promise<PageCheck> => {
  const page = await browser.newPage()
  const consoleErrors: string[] = []
  const failures: Array<{ url: string; error: string }> = []
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text())
  })
  page.on("pageerror", (e) => consoleErrors.push(e.message))
  page.on("requestfailed", (r) => failures.push({ url: r.url(), error: r.failure()?.errorText ?? "failed" }))
  page.on("response", (r) => {
    if (r.status() >= 400) failures.push({ url: r.url(), error: `HTTP ${r.status()}` })
  })
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" })
  await page
    .waitForFunction(() => Array.from(document.querySelectorAll("audio")).every((a) => a.readyState >= 1 || a.error !== null), undefined, { timeout: 20_000 })
    .catch(() => undefined)
  const result = await page.evaluate(() => {
    const charts = Array.from(document.querySelectorAll("figure.chart")).map((f) => {
      const series = JSON.parse(f.getAttribute("data-series") ?? "[]") as string[]
      // vega draws each series as marks whose aria-label names it (description encoding),
      // and a legend entry; a series counts as drawn when a mark of the chart names it
      const marks = Array.from(f.querySelectorAll("svg g.role-mark path, svg g.role-mark line, svg g.role-mark text"))
      const labels = marks.map((m) => m.getAttribute("aria-label") ?? "")
      const drawn = series.filter((s) => labels.some((l) => l.includes(s)))
      return { series, drawn, marks: marks.length }
    })
    const images = Array.from(document.querySelectorAll("img")).map((i) => ({ alt: i.alt, naturalWidth: i.naturalWidth }))
    const audio = Array.from(document.querySelectorAll("audio")).map((a) => ({
      src: a.getAttribute("src") ?? "",
      url: a.currentSrc,
      readyState: a.readyState,
      duration: a.duration,
      failed: a.error !== null
    }))
    return { charts, images, audio }
  })
  const loaded = new Set(result.audio.filter((a) => a.readyState >= 1 && !a.failed).map((a) => a.url))
  const failedRequests = failures.filter((f) => !(f.error === "net::ERR_ABORTED" && loaded.has(f.url))).map((f) => `${f.url.slice(0, 160)}: ${f.error}`)
  await page.screenshot({ path: screenshot, fullPage: true })
  await page.close()
  return { consoleErrors, failedRequests, charts: result.charts, images: result.images, audio: result.audio.map(({ src, readyState, duration }) => ({ src, readyState, duration })) }
}
