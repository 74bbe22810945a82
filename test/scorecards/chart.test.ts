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

describe('the digest chart', () => {
  it('is a Vega-Lite spec of stacked level counts per week', () => {
    const spec = chartSpec(series) as unknown as { mark: string; encoding: Record<string, { field?: string }> };
    expect(spec.mark).toBe('bar');
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
