/**
 * HTML building blocks of the report pages: escaping, tables, players, figures and the page
 * shell (inline CSS and one small inline script for sortable tables: a page opens from disk
 * with no server and no network).
 */

/** Escape text for HTML element content and double-quoted attributes. */
export const escapeHtml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

/**
 * An audio player for a WAV next to the page. `preload="metadata"` makes the browser read the
 * header only, so the duration shows without loading every clip.
 */
export const audioPlayer = (src: string, label: string): string =>
  `<audio controls preload="metadata" src="${escapeHtml(encodeURI(src))}" aria-label="${escapeHtml(label)}"></audio>`

/** A figure around a chart or image, with a caption. */
export const figure = (body: string, caption: string, className = "chart"): string =>
  `<figure class="${className}">${body}<figcaption>${escapeHtml(caption)}</figcaption></figure>`

/** An <img> of an inline data URI. */
export const image = (dataUri: string, alt: string, className = "spec"): string =>
  `<img class="${className}" src="${dataUri}" alt="${escapeHtml(alt)}">`

/** A number for a table cell: 4 significant digits, exponent form for tiny or huge values. */
export const formatNumber = (v: number): string => {
  if (!Number.isFinite(v)) return String(v)
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v)
  const a = Math.abs(v)
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : String(Number(v.toPrecision(4)))
}

/** A cell's text: numbers formatted, objects as JSON, null as an empty cell. */
export const cellText = (v: unknown): string =>
  v === null || v === undefined ? "" : typeof v === "number" ? formatNumber(v) : typeof v === "string" ? v : JSON.stringify(v)

/**
 * A table from rows of cells (already HTML). `sortable` adds click-to-sort headers (numbers
 * sort numerically through each cell's data-value).
 */
export const table = (
  headers: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<{ readonly html: string; readonly value?: number | string; readonly numeric?: boolean }>>,
  options: { readonly sortable?: boolean; readonly className?: string } = {}
): string => {
  // long dotted names (fx_eval.esr_pre_emphasis) may break after a dot
  const head = `<thead><tr>${headers.map((h) => `<th>${escapeHtml(h).replace(/\./g, ".<wbr>")}</th>`).join("")}</tr></thead>`
  const body = rows
    .map(
      (r) =>
        `<tr>${r
          .map((c) => `<td${c.numeric ? ' class="num"' : ""}${c.value !== undefined ? ` data-value="${escapeHtml(String(c.value))}"` : ""}>${c.html}</td>`)
          .join("")}</tr>`
    )
    .join("")
  const classes = [options.className, options.sortable ? "sortable" : undefined].filter((c) => c !== undefined).join(" ")
  return `<table${classes !== "" ? ` class="${classes}"` : ""}>${head}<tbody>${body}</tbody></table>`
}

/** A text cell. */
export const textCell = (v: unknown): { html: string; value?: number | string; numeric?: boolean } =>
  typeof v === "number" ? { html: escapeHtml(formatNumber(v)), value: v, numeric: true } : { html: escapeHtml(cellText(v)) }

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5em 2em;max-width:84em;color:#222;background:#fff}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:2px solid #eee;padding-bottom:.2em}
h3{font-size:1em;margin:1.2em 0 .4em}p.sub{color:#555;margin-top:0}
table{border-collapse:collapse;margin-bottom:1em;font-size:.92em}
td,th{border-bottom:1px solid #e3e3e3;padding:.3em .6em;text-align:left;vertical-align:middle}
th{background:#f6f6f6}.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
table.sortable th{cursor:pointer;user-select:none}table.sortable th:after{content:" \\2195";color:#aaa}
figure{margin:.4em 1em 1em 0;display:inline-block;vertical-align:top}figcaption{font-size:.85em;color:#555;max-width:60em}
.row{display:flex;flex-wrap:wrap;gap:.8em;align-items:flex-start}
.spectro{display:inline-block;margin:0}.spectro img{display:block;width:230px;height:140px;border:1px solid #ccc}
.spectro figcaption{text-align:center}
.colorbar{display:flex;align-items:center;gap:.4em;font-size:.8em;color:#555;margin:.2em 0 1em}
.colorbar img{width:240px;height:12px;border:1px solid #ccc}
img.thumb{width:172px;height:72px;border:1px solid #ccc;display:block}
.gallery{display:flex;flex-wrap:wrap;gap:.8em}.card{border:1px solid #e3e3e3;border-radius:6px;padding:.5em;width:23.5em}
.card .title{font-size:.85em;margin-bottom:.3em}.card .row{gap:.4em;flex-wrap:nowrap}.media{font-size:.8em;color:#555}.media audio{width:10.5em;height:2em;display:block}
details summary{cursor:pointer;color:#666}
audio{width:14em;height:2.2em}
.labels{font-size:.78em;color:#444;margin-top:.3em;word-break:break-all}.labels code{background:#f3f3f3;padding:0 .2em}
.nowrap{white-space:nowrap}.warn{color:#a33}.ok{color:#2a6}code{font-size:.92em}
`

const SORT_SCRIPT = `
document.querySelectorAll("table.sortable").forEach(function(t){
  t.querySelectorAll("th").forEach(function(th,i){
    th.addEventListener("click",function(){
      var body=t.tBodies[0],rows=Array.prototype.slice.call(body.rows),asc=th.dataset.order!=="asc";
      t.querySelectorAll("th").forEach(function(h){delete h.dataset.order});th.dataset.order=asc?"asc":"desc";
      var key=function(r){var c=r.cells[i];var v=c.dataset.value!==undefined?c.dataset.value:c.textContent;var n=parseFloat(v);return isNaN(n)?v:n};
      rows.sort(function(a,b){var x=key(a),y=key(b);var c=(typeof x==="number"&&typeof y==="number")?x-y:String(x).localeCompare(String(y));return asc?c:-c});
      rows.forEach(function(r){body.appendChild(r)});
    });
  });
});
`

/** The page: title, a subtitle line (HTML), the sections, inline CSS, the sort script. */
export const page = (title: string, subtitle: string, sections: ReadonlyArray<string>): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${STYLE}</style></head>
<body><h1>${escapeHtml(title)}</h1>
<p class="sub">${subtitle}</p>
${sections.join("\n")}
<script>${SORT_SCRIPT}</script>
</body></html>
`
