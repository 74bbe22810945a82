/**
 * A team's level counts over the last eight weeks as a chart: a Vega-Lite spec (stacked bars per week, one panel per
 * scorecard), compiled to Vega and rendered headless to SVG (vega's `View` with no renderer), then to PNG with resvg.
 * Text is set in DejaVu Sans from the `dejavu-fonts-ttf` package and system fonts are not loaded, so the PNG looks the
 * same on a machine with no fonts installed. Vega, Vega-Lite and resvg are loaded on the first chart: together they
 * cost a process that never draws one about 300 ms to start and tens of MB of memory.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { TopLevelSpec } from 'vega-lite';

export interface ChartSeries {
  title: string;
  /** One point per scorecard, week and level slot (`rank` 0 is below the first level). */
  points: { scorecard: string; week: string; level: string; rank: number; count: number }[];
}

const FONT_FILE = path.join(
  path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')),
  'ttf',
  'DejaVuSans.ttf',
);
const FONT_FAMILY = 'DejaVu Sans';

/**
 * The level colours, lowest slot ("below Bronze") first: Paul Tol's "bright" scheme, which stays apart for people with
 * any of the common colour-vision deficiencies (https://personal.sron.nl/~pault/#sec:qualitative). The first four (below
 * the first level and three levels, the usual scorecard) are at least 28 CIELAB units apart from each other under
 * simulated protanopia, deuteranopia and tritanopia; the sequential "tealblues" they replace were 10 to 12 apart even to
 * normal vision. Segments are also separated by a white line.
 */
const LEVEL_COLOURS = ['#EE6677', '#CCBB44', '#66CCEE', '#4477AA', '#228833', '#AA3377'] as const;

/** The Vega-Lite spec of `series` (Vega-Lite 6). */
export function chartSpec(series: ChartSeries): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: series.title,
    data: { values: series.points },
    mark: { type: 'bar', stroke: 'white', strokeWidth: 1 },
    width: 260,
    height: 160,
    encoding: {
      column: { field: 'scorecard', type: 'nominal', title: null },
      x: { field: 'week', type: 'ordinal', title: null, axis: { labelAngle: -45 } },
      y: { field: 'count', type: 'quantitative', title: 'entities', stack: 'zero' },
      color: {
        field: 'level',
        type: 'ordinal',
        title: 'Level',
        sort: { field: 'rank' },
        scale: { range: [...LEVEL_COLOURS] },
      },
      order: { field: 'rank', type: 'quantitative' },
    },
    config: {
      font: FONT_FAMILY,
      background: 'white',
      view: { stroke: null },
    },
  };
}

/** The chart as SVG text. */
export async function renderChartSvg(series: ChartSeries): Promise<string> {
  const [{ parse: parseVega, View }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new View(parseVega(compile(chartSpec(series)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The chart as PNG bytes at twice the SVG's size (sharp on high-density screens). */
export async function renderChartPng(series: ChartSeries): Promise<Uint8Array> {
  const [svg, { Resvg }] = await Promise.all([renderChartSvg(series), import('@resvg/resvg-js')]);
  const resvg = new Resvg(svg, {
    font: { fontFiles: [FONT_FILE], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
    fitTo: { mode: 'zoom', value: 2 },
    background: 'white',
  });
  return resvg.render().asPng();
}
