/**
 * Open an HTML report in headless Chromium (Debian's `chromium` package) and report what rendered:
 * per chart, its size and how many data marks have a non-empty box; plus any script or console
 * errors. No npm browser download: the system browser or nothing (the test then skips).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';

/** Debian's package installs it here; CHAOS_CHROMIUM points elsewhere (or nowhere, to check the skip). */
export const CHROMIUM = process.env.CHAOS_CHROMIUM ?? '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  return fs.existsSync(CHROMIUM);
}

export interface ChartProbe {
  width: number;
  height: number;
  /** Elements inside vega's data-mark groups (role-mark). */
  marks: number;
  /** Of those, the ones the browser laid out with a non-empty bounding box. */
  visibleMarks: number;
}

export interface PageProbe {
  charts: ChartProbe[];
  errors: string[];
  /** Chromium's own log lines about the page's console or failed loads. */
  consoleLines: string[];
}

// Runs first in <head>: records errors, then measures the charts once the page has loaded.
const PROBE = `<script>
window.__errors = [];
window.addEventListener('error', (e) => window.__errors.push(String(e.message || e.type)), true);
const __consoleError = console.error;
console.error = (...a) => { window.__errors.push(a.map(String).join(' ')); __consoleError(...a); };
window.addEventListener('load', () => {
  const charts = [...document.querySelectorAll('svg.marks')].map((svg) => {
    const marks = [...svg.querySelectorAll('g.role-mark > *')];
    const visible = marks.filter((el) => { const b = el.getBBox(); return b.width > 0 || b.height > 0; });
    const r = svg.getBoundingClientRect();
    return { width: r.width, height: r.height, marks: marks.length, visibleMarks: visible.length };
  });
  const pre = document.createElement('pre');
  pre.id = 'chart-probe';
  pre.textContent = JSON.stringify({ charts, errors: window.__errors });
  document.body.appendChild(pre);
});
</script>`;

export async function probeHtml(htmlFile: string): Promise<PageProbe> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-probe-'));
  try {
    const page = path.join(work, 'page.html');
    fs.writeFileSync(page, fs.readFileSync(htmlFile, 'utf8').replace('<head>', `<head>${PROBE}`));
    const res = await execa(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-breakpad',
        '--disable-crash-reporter',
        `--user-data-dir=${path.join(work, 'profile')}`,
        '--enable-logging=stderr',
        '--v=0',
        '--virtual-time-budget=5000',
        '--dump-dom',
        `file://${page}`,
      ],
      { reject: false, timeout: 60_000, killSignal: 'SIGKILL', forceKillAfterDelay: 1000, cleanup: true },
    );
    const match = /<pre id="chart-probe">([\s\S]*?)<\/pre>/.exec(res.stdout);
    if (!match) throw new Error(`chromium did not render the page (exit ${res.exitCode}):\n${res.stderr.slice(-2000)}`);
    const json = match[1]!.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    const parsed = JSON.parse(json) as { charts: ChartProbe[]; errors: string[] };
    const consoleLines = res.stderr.split('\n').filter((l) => /CONSOLE|Uncaught|Failed to load resource|net::ERR_/.test(l));
    return { ...parsed, consoleLines };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
