/**
 * Charts as vega-lite specs rendered to SVG strings in Node (vega's headless 'none' renderer):
 * no browser, no canvas, no hand-written SVG. Each builder takes plain report data.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const WIDTH = 440;
const HEIGHT = 240;
const BLUE = '#0969da';
const ORANGE = '#bc4c00';
const GREEN = '#1a7f37';
const RED = '#cf222e';
const GREY = '#6e7781';

/** One measured point with its spread (median and min–max over the repeats). */
export interface SpreadPoint {
  interval: number;
  median: number;
  min: number;
  max: number;
}

/** The frame every interval chart shares: one data set, layers of marks over it. */
function layeredSpec(title: string, points: readonly object[], layers: unknown[]): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: WIDTH,
    height: HEIGHT,
    data: { values: points as any[] },
    layer: layers,
  } as TopLevelSpec;
}

function intervalAxis(intervals: readonly number[], extra: readonly number[] = []) {
  const all = [...intervals, ...extra].filter((x) => x > 0 && Number.isFinite(x));
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  return {
    field: 'interval',
    type: 'quantitative' as const,
    title: 'checkpoint interval (batches, log scale)',
    scale: { type: 'log' as const, domain: [lo / 1.25, hi * 1.25], nice: false },
    // measured intervals, plus the 1-2-5 grid where nothing was measured (so a prediction beyond the measured range can be read off)
    axis: { values: axisValues(intervals, lo / 1.25, hi * 1.25), grid: true, labelFlush: false },
  };
}

function axisValues(measured: readonly number[], lo: number, hi: number): number[] {
  const values = new Set(measured);
  const span = Math.max(...measured) / Math.min(...measured);
  for (let decade = 1; decade <= hi; decade *= 10) {
    for (const step of [1, 2, 5]) {
      const v = step * decade;
      const far = measured.every((m) => Math.max(v, m) / Math.min(v, m) > 1.6);
      if (v >= lo && v <= hi && far && (span < 1000 || step === 1)) values.add(v);
    }
  }
  return [...values].sort((a, b) => a - b);
}

/** Line of medians, a rule from min to max at every point: the spread is visible, not averaged away. */
export function spreadLineSpec(opts: {
  title: string;
  yTitle: string;
  points: readonly SpreadPoint[];
  color?: string;
  /** A horizontal reference line, e.g. 0 % overhead. */
  baseline?: { y: number; label: string };
  labels?: readonly { interval: number; y: number; text: string }[];
  /** A fitted curve over the measured points (dashed), e.g. the time multiplier α + β / K. */
  curve?: readonly { interval: number; value: number }[];
}): TopLevelSpec {
  const color = opts.color ?? BLUE;
  const x = intervalAxis(opts.points.map((p) => p.interval));
  const layers: any[] = [
    {
      mark: { type: 'rule', color, strokeWidth: 2, opacity: 0.45 },
      encoding: { x, y: { field: 'min', type: 'quantitative', title: opts.yTitle }, y2: { field: 'max' } },
    },
    {
      mark: { type: 'line', color, point: { filled: true, size: 60, color } },
      encoding: { x, y: { field: 'median', type: 'quantitative', title: opts.yTitle } },
    },
  ];
  if (opts.baseline) {
    layers.push({
      data: { values: [opts.baseline] },
      layer: [
        { mark: { type: 'rule', color: GREY, strokeDash: [4, 3] }, encoding: { y: { field: 'y', type: 'quantitative' } } },
        {
          mark: { type: 'text', color: GREY, align: 'left', dx: 4, dy: -6, x: 0 },
          encoding: { y: { field: 'y', type: 'quantitative' }, text: { field: 'label' } },
        },
      ],
    });
  }
  if (opts.curve?.length) {
    layers.push({
      data: { values: opts.curve },
      mark: { type: 'line', color: ORANGE, strokeDash: [6, 3], strokeWidth: 1.5 },
      encoding: { x, y: { field: 'value', type: 'quantitative', title: opts.yTitle } },
    });
  }
  if (opts.labels?.length) {
    layers.push({
      data: { values: opts.labels },
      mark: { type: 'text', color: GREY, align: 'left', dx: 7, dy: -7, fontSize: 10 },
      encoding: { x, y: { field: 'y', type: 'quantitative' }, text: { field: 'text' } },
    });
  }
  return layeredSpec(opts.title, opts.points, layers);
}

/**
 * Expected time against the interval: the fitted curve with its 95 % band, each measured interval's
 * own estimate as a dot, the recommended interval marked, and the Young/Daly predictions as vertical
 * rules. The x axis always spans the predictions, so they are drawn inside the chart, never cut off.
 */
export function expectedTotalSpec(opts: {
  title: string;
  yTitle: string;
  curve: readonly { interval: number; value: number; lo: number; hi: number }[];
  points: readonly { interval: number; value: number }[];
  recommended: { interval: number; value: number } | null;
  predictions: readonly { name: string; interval: number }[];
}): TopLevelSpec {
  const intervals = opts.points.map((p) => p.interval);
  const x = intervalAxis(intervals, [...opts.predictions.map((p) => p.interval), ...opts.curve.map((c) => c.interval)]);
  const y = (field: string) => ({ field, type: 'quantitative' as const, title: opts.yTitle, scale: { zero: false } });
  const layers: any[] = [
    { data: { values: opts.curve }, mark: { type: 'area', color: BLUE, opacity: 0.15 }, encoding: { x, y: y('lo'), y2: { field: 'hi' } } },
    { data: { values: opts.curve }, mark: { type: 'line', color: BLUE, strokeWidth: 2 }, encoding: { x, y: y('value') } },
    { mark: { type: 'point', filled: true, size: 45, color: GREY }, encoding: { x, y: y('value') } },
  ];
  if (opts.predictions.length) {
    layers.push({
      data: { values: opts.predictions },
      mark: { type: 'rule', strokeDash: [5, 4], strokeWidth: 1.5 },
      encoding: {
        x,
        color: { field: 'name', type: 'nominal', title: 'prediction', scale: { domain: opts.predictions.map((p) => p.name), range: [ORANGE, GREEN] } },
      },
    });
    // one label per prediction, at different heights: Young and Daly often nearly coincide
    opts.predictions.forEach((p, i) => {
      layers.push({
        data: { values: [p] },
        mark: { type: 'text', angle: 270, align: 'right', baseline: 'bottom', dx: -4, dy: -2, y: 4 + i * 56, fontSize: 10, color: i === 0 ? ORANGE : GREEN },
        encoding: { x, text: { field: 'name' } },
      });
    });
  }
  if (opts.recommended) {
    layers.push({
      data: { values: [{ ...opts.recommended, label: `recommended: ${opts.recommended.interval}` }] },
      layer: [
        { mark: { type: 'point', shape: 'diamond', size: 220, filled: true, color: RED }, encoding: { x, y: y('value') } },
        { mark: { type: 'text', color: RED, dy: -16, fontWeight: 'bold' }, encoding: { x, y: y('value'), text: { field: 'label' } } },
      ],
    });
  }
  return layeredSpec(opts.title, opts.points, layers);
}

/**
 * The batch-size × interval trade-off as a heat map: one cell per measured pair, coloured by the
 * fitted expected time for the same records relative to the best at the base batch size (×1.00);
 * the label in the cell says the factor. Darker is slower.
 */
export function tradeoffHeatmapSpec(opts: {
  title: string;
  cells: readonly { batchRecords: number; interval: number; factor: number; best: boolean }[];
}): TopLevelSpec {
  const intervals = [...new Set(opts.cells.map((c) => c.interval))].sort((a, b) => a - b);
  const sizes = [...new Set(opts.cells.map((c) => c.batchRecords))].sort((a, b) => a - b);
  const x = { field: 'interval', type: 'ordinal' as const, title: 'checkpoint interval (batches)', sort: intervals, axis: { labelAngle: 0 } };
  const y = { field: 'batchRecords', type: 'ordinal' as const, title: 'records per batch', sort: [...sizes].reverse() };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: opts.title,
    width: { step: 58 },
    height: { step: 44 },
    data: { values: opts.cells.map((c) => ({ ...c, label: `×${c.factor.toFixed(2)}${c.best ? ' ★' : ''}` })) as any[] },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
        encoding: {
          x,
          y,
          color: { field: 'factor', type: 'quantitative', title: 'time ×', scale: { scheme: 'blues', type: 'log' } },
        },
      },
      {
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          x,
          y,
          text: { field: 'label' },
          color: { condition: { test: 'datum.factor > 1.6', value: 'white' }, value: '#1b1f24' },
        },
      },
    ],
  } as TopLevelSpec;
}

/** One bar per process incarnation on a time axis, fault hits and recovery milestones as marks on it. */
export interface TimelineData {
  /** 'ms': wall time (process mode). 'steps': engine events in order (simulation, where wall time is ~0). */
  axis: 'ms' | 'steps';
  bars: { incarnation: string; start: number; end: number; outcome: string }[];
  marks: { incarnation: string; at: number; what: string; kind: 'fault' | 'recovered' | 'caught-up' }[];
  commits: { incarnation: string; at: number }[];
}

export function timelineSpec(title: string, data: TimelineData): TopLevelSpec {
  const y = { field: 'incarnation', type: 'nominal' as const, title: 'incarnation', sort: null };
  const x = { type: 'quantitative' as const, title: data.axis === 'ms' ? 'ms since trial start' : 'engine events, in order (simulated time)' };
  const layers: any[] = [
    {
      data: { values: data.bars },
      mark: { type: 'bar', height: 16, cornerRadius: 2, opacity: 0.8 },
      encoding: {
        y,
        x: { field: 'start', ...x },
        x2: { field: 'end' },
        color: {
          field: 'outcome',
          type: 'nominal',
          title: 'how it ended',
          scale: { domain: ['finished', 'killed', 'refused', 'failed', 'hung'], range: [GREEN, RED, '#8c959f', ORANGE, '#424a53'] },
        },
      },
    },
  ];
  if (data.commits.length) {
    layers.push({
      data: { values: data.commits },
      // taller than the bar and dark, so each commit is visible on any bar colour
      mark: { type: 'tick', color: '#1b1f24', thickness: 1.5, size: 24, opacity: 0.9 },
      encoding: { y, x: { field: 'at', ...x } },
    });
  }
  if (data.marks.length) {
    layers.push({
      data: { values: data.marks },
      layer: [
        {
          mark: { type: 'point', filled: true, size: 90 },
          encoding: {
            y,
            x: { field: 'at', ...x },
            shape: { field: 'kind', type: 'nominal', title: 'event', scale: { domain: ['fault', 'recovered', 'caught-up'], range: ['cross', 'triangle-right', 'circle'] } },
            fill: { field: 'kind', type: 'nominal', legend: null, scale: { domain: ['fault', 'recovered', 'caught-up'], range: ['#1b1f24', BLUE, BLUE] } },
          },
        },
        // fault names above the bar, recovery milestones below it, so close events do not overprint
        {
          transform: [{ filter: "datum.kind === 'fault'" }],
          mark: { type: 'text', dy: -14, fontSize: 10, color: '#1b1f24' },
          encoding: { y, x: { field: 'at', ...x }, text: { field: 'what' } },
        },
        // replay start to the left, caught-up to the right: the two are often milliseconds apart
        {
          transform: [{ filter: "datum.kind === 'recovered'" }],
          mark: { type: 'text', dy: 15, dx: -2, fontSize: 9, color: BLUE, align: 'right' },
          encoding: { y, x: { field: 'at', ...x }, text: { field: 'what' } },
        },
        {
          transform: [{ filter: "datum.kind === 'caught-up'" }],
          mark: { type: 'text', dy: 15, dx: 2, fontSize: 9, color: BLUE, align: 'left' },
          encoding: { y, x: { field: 'at', ...x }, text: { field: 'what' } },
        },
      ],
    });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 720,
    height: { step: 40 },
    layer: layers,
  } as TopLevelSpec;
}

/** Trials per scenario, split into held and failed. */
export function scenarioBarsSpec(rows: readonly { scenario: string; outcome: 'held' | 'failed'; trials: number }[]): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Trials per scenario',
    width: WIDTH,
    height: { step: 22 },
    data: { values: rows as any[] },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'scenario', type: 'nominal', title: null, sort: null },
      x: { field: 'trials', type: 'quantitative', title: 'trials', stack: 'zero', axis: { tickMinStep: 1, format: 'd' } },
      color: { field: 'outcome', type: 'nominal', title: null, scale: { domain: ['held', 'failed'], range: [GREEN, RED] } },
    },
  } as TopLevelSpec;
}

/** In how many trials each fault kind was armed, and in how many of those it struck. */
export function faultKindBarsSpec(rows: readonly { kind: string; measure: 'armed' | 'struck'; count: number }[]): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Faults exercised',
    width: WIDTH,
    height: { step: 12 },
    data: { values: rows as any[] },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'kind', type: 'nominal', title: null, sort: null },
      yOffset: { field: 'measure', type: 'nominal' },
      x: { field: 'count', type: 'quantitative', title: 'count', axis: { tickMinStep: 1, format: 'd' } },
      color: { field: 'measure', type: 'nominal', title: null, scale: { domain: ['armed', 'struck'], range: [BLUE, ORANGE] } },
    },
  } as TopLevelSpec;
}

/**
 * The fault space a run explored: fault kinds (rows) × protocol steps (columns, in protocol order),
 * each cell shaded by how many trials had that kind strike at that step and labelled with the
 * count. Empty cells are drawn too, so where the run did not look is as visible as where it did.
 */
export function faultSpaceHeatmapSpec(cells: readonly { kind: string; step: string; trials: number }[], steps: readonly string[], kinds: readonly string[]): TopLevelSpec {
  const grid = kinds.flatMap((kind) => steps.map((step) => ({ kind, step, trials: cells.find((c) => c.kind === kind && c.step === step)?.trials ?? 0 })));
  const x = { field: 'step', type: 'nominal' as const, title: 'protocol step where it struck', sort: [...steps], axis: { labelAngle: -30 } };
  const y = { field: 'kind', type: 'nominal' as const, title: null, sort: [...kinds] };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Fault space: trials per fault kind and protocol step',
    width: { step: 44 },
    height: { step: 22 },
    data: { values: grid },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
        encoding: {
          x,
          y,
          color: {
            field: 'trials',
            type: 'quantitative',
            title: 'trials',
            // 0 stays white: an unexplored cell must not look like a lightly explored one.
            scale: { type: 'symlog', range: ['#ffffff', BLUE] },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          x,
          y,
          text: { field: 'trials', type: 'quantitative' },
          color: { condition: { test: 'datum.trials === 0', value: '#8c959f' }, value: '#1b1f24' },
        },
      },
    ],
  } as TopLevelSpec;
}
