// Vega-Lite → Vega → SVG in Node (vega's headless View, no browser, no canvas needed), and
// SVG → PNG with resvg (a Rust SVG renderer shipped as a prebuilt npm binary: no browser, no
// system libraries, the same pixels on every machine; fonts come from the system, DejaVu or
// Liberation on Debian).
import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { VlSpec } from './figures.js';

/** Renders a Vega-Lite spec to a standalone SVG string. */
export async function renderSvg(spec: VlSpec): Promise<string> {
  let vgSpec: ReturnType<typeof compile>['spec'];
  try {
    vgSpec = compile(spec as unknown as TopLevelSpec).spec;
  } catch (e) {
    throw new Error(`chart spec does not compile: ${(e as Error).message}`);
  }
  const view = new View(parse(vgSpec), { renderer: 'none', logLevel: 0 });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterises an SVG (2× by default, for sharp text). */
export function svgToPng(svg: string, scale = 2): Buffer {
  const r = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return r.render().asPng();
}
