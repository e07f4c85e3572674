// Screenshots of report pages for the README:
//   node docs/make-screenshots.mjs <page.html> <out.png> [from-selector] [to-selector]
// Opens the page from disk in Debian's chromium (headless), waits for the players' metadata,
// and saves the part from the top of `from` (default: the page top) to the top of `to`
// (default: 1600 px further), 1280 px wide.
import { chromium } from "playwright-core"
import { pathToFileURL } from "node:url"

const [file, out, from, to] = process.argv.slice(2)
if (file === undefined || out === undefined) {
  console.error("usage: node docs/make-screenshots.mjs <page.html> <out.png> [from-selector] [to-selector]")
  process.exit(2)
}
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"]
})
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
await page.goto(pathToFileURL(file).href, { waitUntil: "load" })
await page.waitForFunction(() => Array.from(document.querySelectorAll("audio")).every((a) => a.readyState >= 1), undefined, { timeout: 20000 }).catch(() => {})
const box = await page.evaluate(
  ([f, t]) => {
    const top = (s) => (s ? document.querySelector(s).getBoundingClientRect().top + window.scrollY : 0)
    const y0 = Math.max(0, top(f) - 12)
    const y1 = t ? top(t) - 8 : Math.min(document.documentElement.scrollHeight, y0 + 1600)
    return { y0, y1 }
  },
  [from, to]
)
await page.screenshot({ path: out, fullPage: true, clip: { x: 0, y: box.y0, width: 1280, height: box.y1 - box.y0 } })
await browser.close()
