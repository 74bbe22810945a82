import { describe, expect, it } from 'vitest';
import { periodsEnding } from '../../src/core/scorecards/period.ts';
import { type ChartSeries, chartSpec, renderChartPng, renderChartSvg } from '../../src/scorecards/chart.ts';

const series: ChartSeries = {
  title: 'Payments Team: levels, last 8 weeks',
  points: periodsEnding('2026-W49', 8).flatMap((week, index) =>
    ['below Bronze', 'Bronze', 'Silver', 'Gold'].map((level, rank) => ({
      scorecard: 'Production readiness',
      week,
      level,
      rank,
      count: (index + rank) % 3,
    })),
  ),
};

/** Width and height from a PNG's IHDR chunk (PNG spec §11.2.2: bytes 16–23, big-endian). */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/**
 * Colour-vision deficiency simulation (Machado, Oliveira and Fernandes 2009, severity 1, on linear RGB), then CIELAB
 * (D65), so that how far apart two colours look can be measured as each viewer sees them.
 */
const VISIONS: Record<string, number[][]> = {
  normal: [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ],
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  tritanopia: [
    [1.255528, -0.076749, -0.178779],
    [-0.078411, 0.930809, 0.147602],
    [0.004733, 0.691367, 0.3039],
  ],
};

function labAsSeen(rgb: readonly number[], vision: number[][]): number[] {
  const linear = rgb.map((channel) => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const [r = 0, g = 0, b = 0] = vision.map((row) =>
    Math.min(
      1,
      Math.max(
        0,
        row.reduce((sum, weight, index) => sum + weight * (linear[index] ?? 0), 0),
      ),
    ),
  );
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const x = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
  const y = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
  const z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}

/** The fill of each level's bars in the rendered chart (Vega labels each bar with its fields), as RGB. */
function barColours(svg: string): Map<string, number[]> {
  const colours = new Map<string, number[]>();
  for (const match of svg.matchAll(/aria-label="[^"]*Level: ([^;"]+)[^"]*"[^>]*fill="([^"]+)"/g)) {
    const fill = match[2] ?? '';
    const rgb = /^#([0-9a-f]{6})$/i.test(fill)
      ? [1, 3, 5].map((start) => Number.parseInt(fill.slice(start, start + 2), 16))
      : (/^rgb\((\d+), (\d+), (\d+)\)$/.exec(fill)?.slice(1).map(Number) ?? []);
    colours.set(match[1] ?? '', rgb);
  }
  return colours;
}

describe('the digest chart', () => {
  it('colours the levels so that they are told apart, with any of the common colour-vision deficiencies', async () => {
    const colours = barColours(await renderChartSvg(series));
    expect([...colours.keys()].sort()).toEqual(['Bronze', 'Gold', 'Silver', 'below Bronze']);
    for (const [vision, matrix] of Object.entries(VISIONS)) {
      const seen = [...colours.values()].map((rgb) => labAsSeen(rgb, matrix));
      let closest = Number.POSITIVE_INFINITY;
      for (const [i, a] of seen.entries()) {
        for (const b of seen.slice(i + 1)) closest = Math.min(closest, Math.hypot(...a.map((v, k) => v - (b[k] ?? 0))));
      }
      // 20 CIELAB units: plainly different colours side by side (the "tealblues" shades were 10 to 12 apart).
      expect(closest, vision).toBeGreaterThanOrEqual(20);
    }
  });

  it('is a Vega-Lite spec of stacked level counts per week', () => {
    const spec = chartSpec(series) as unknown as {
      mark: { type: string };
      encoding: Record<string, { field?: string }>;
    };
    expect(spec.mark.type).toBe('bar');
    expect(spec.encoding.x?.field).toBe('week');
    expect(spec.encoding.color?.field).toBe('level');
  });

  it('renders to a valid PNG at twice the SVG size, with its text set in the packaged font', async () => {
    const svg = await renderChartSvg(series);
    expect(svg).toContain('Payments Team: levels, last 8 weeks');
    expect(svg).toContain('font-family="DejaVu Sans"');
    const [, svgWidth = '0', svgHeight = '0'] = /<svg[^>]*width="(\d+)"[^>]*height="(\d+)"/.exec(svg) ?? [];
    const png = await renderChartPng(series);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const size = pngSize(png);
    expect(size).toEqual({ width: Number(svgWidth) * 2, height: Number(svgHeight) * 2 });
    expect(size.width).toBeGreaterThan(400);
    expect(size.height).toBeGreaterThan(300);
  });
});
