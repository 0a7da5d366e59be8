import { describe, expect, it } from 'vitest';
import { escapeXml, figureSvg } from '../src/ui/figure/figureSvg';
import { settingsCaption } from '../src/ui/caption';
import { defaults } from '../src/state/params';

const COLORS = ['#111111', '#222222', '#333333'];

describe('figureSvg', () => {
  const panel = (title: string) => ({
    title,
    points: new Float32Array([0, 0, 1, 1, -1, 0.5, NaN, 2, 0.2, -0.4]),
    labels: new Uint8Array([0, 1, 1, 2, 2]),
    centers: new Float32Array([0, 0, 0, 1, 0, -0.2]),
    domain: { x: [-2, 2] as [number, number], y: [-1, 1] as [number, number] },
  });

  it('one square plot per panel in one row, one dot per finite point, one path per class, the centers as circles', () => {
    const svg = figureSvg([panel('λ = 0'), panel('λ = 1')], { caption: 'seed 1 · α 0.5', colors: COLORS, size: 200 });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/class="figure-panel"/g)).toHaveLength(2);
    const paths = [...svg.matchAll(/<path class="points" data-class="(\d+)" data-points="(\d+)" d="([^"]*)"/g)];
    expect(paths.map((m) => m[1])).toEqual(['0', '1', '2', '0', '1', '2']);
    expect(paths.map((m) => Number(m[2]))).toEqual([1, 2, 1, 1, 2, 1]); // the NaN point is left out
    for (const m of paths) expect(m[3].match(/M/g)).toHaveLength(Number(m[2]));
    expect(svg.match(/<circle class="center"/g)).toHaveLength(6);
    expect(svg).toContain('seed 1 · α 0.5');
    // The domain is widened to the square: x spans 4, so y spans 4 too; the point (0, 0) is the plot's centre.
    expect(svg).toContain('M100.0 100.0h0');
  });

  it('escapes titles and captions', () => {
    expect(escapeXml('a<b & "c">')).toBe('a&lt;b &amp; &quot;c&quot;&gt;');
    expect(figureSvg([panel('<x>')], { caption: 'a & b', colors: COLORS })).toContain('&lt;x&gt;');
  });
});

describe('settingsCaption', () => {
  it('states the shared settings and the step', () => {
    expect(settingsCaption({ ...defaults(), seed: 7 }, 'tiny', 42)).toMatch(/^Flock · .+ · Adam lr 0\.01 · α 0\.5 · .+ rule · seed 7 · step 42$/);
  });
});
