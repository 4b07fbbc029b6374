/**
 * A self-contained HTML page: inline CSS, inline SVG charts, no scripts, fonts or requests, so the
 * file can be attached to a CI run and opened anywhere.
 */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Marks a string as already-safe HTML, so builders can nest without double escaping. */
export interface Html {
  readonly html: string;
}

export function raw(html: string): Html {
  return { html };
}

type Content = string | Html | null | undefined | false | readonly Content[];

function render(content: Content): string {
  if (content === null || content === undefined || content === false) return '';
  if (typeof content === 'string') return escapeHtml(content);
  if (Array.isArray(content)) return content.map(render).join('');
  return (content as Html).html;
}

export function el(tag: string, attrs: Record<string, string | undefined> | null, ...children: Content[]): Html {
  const attrText = Object.entries(attrs ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeHtml(v!)}"`)
    .join('');
  return raw(`<${tag}${attrText}>${render(children)}</${tag}>`);
}

export function htmlTable(headers: readonly string[], rows: readonly (readonly Content[])[], numeric?: readonly boolean[]): Html {
  const cls = (i: number) => (numeric?.[i] ? 'num' : undefined);
  return el(
    'table',
    null,
    el('thead', null, el('tr', null, headers.map((h, i) => el('th', { class: cls(i) }, h)))),
    el('tbody', null, rows.map((r) => el('tr', null, r.map((c, i) => el('td', { class: cls(i) }, c))))),
  );
}

/** A chart: an inline SVG from reports/charts.ts with a caption. */
export function figure(svg: string, caption: string): Html {
  return el('figure', { class: 'chart' }, raw(svg), el('figcaption', null, caption));
}

const STYLE = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #1b1f24; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; }
.meta { color: #57606a; }
.verdict { font-size: 1.1rem; padding: .8rem 1rem; border-radius: 6px; border: 1px solid; }
.verdict.ok { background: #dafbe1; border-color: #4ac26b; } .verdict.fail { background: #ffebe9; border-color: #ff8182; }
.verdict.info { background: #ddf4ff; border-color: #54aeff; } .verdict.warn { background: #fff8c5; border-color: #d4a72c; }
table { border-collapse: collapse; margin: .6rem 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #d0d7de; padding: .25rem .55rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } td.num, th.num { text-align: right; }
small.range { color: #57606a; font-weight: normal; white-space: nowrap; }
tr.best td { background: #fff8c5; font-weight: 600; }
figure.chart { display: inline-block; margin: .5rem 1rem 1rem 0; vertical-align: top; }
figcaption { color: #57606a; font-size: .9rem; max-width: 520px; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .88rem; }
pre { background: #f6f8fa; padding: .6rem; overflow-x: auto; border-radius: 6px; }
.notes li { margin: .2rem 0; }
.trial { border: 1px solid #d0d7de; border-radius: 6px; padding: 0 1rem 1rem; margin: 1rem 0; }
`;

export function htmlPage(title: string, body: Content[]): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${render(body)}
</body>
</html>
`;
}
