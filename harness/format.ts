/** Number formatting shared by the terminal summaries and the Markdown and HTML reports: short, unit-bearing, never NaN. */

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '–';
  if (!Number.isFinite(ms)) return '∞';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(2)} h`;
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || Number.isNaN(bytes)) return '–';
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function formatRate(perSecond: number | null | undefined, unit = 'rec/s'): string {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond)) return '–';
  if (perSecond >= 10_000) return `${(perSecond / 1000).toFixed(1)}k ${unit}`;
  return `${Math.round(perSecond)} ${unit}`;
}

export function formatPct(pct: number | null | undefined): string {
  if (pct === null || pct === undefined || !Number.isFinite(pct)) return '–';
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(1)} %`;
}

export function formatNumber(n: number | null | undefined, digits = 1): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return Number.isInteger(n) ? String(n) : n.toFixed(digits);
}

/** "median (min–max)" for a spread, or just the median when min = max. */
export function formatSpread(
  s: { median: number; min: number; max: number } | null | undefined,
  fmt: (n: number) => string,
): string {
  if (!s) return '–';
  if (s.min === s.max) return fmt(s.median);
  return `${fmt(s.median)} (${fmt(s.min)} – ${fmt(s.max)})`;
}
