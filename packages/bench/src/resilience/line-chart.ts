/** A line chart as standalone SVG: the benchmark's charts, with no dependency. */
export type Series = { name: string; points: readonly [number, number][] };

export type LineChartOptions = {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  xLog?: boolean;
  yLog?: boolean;
  /** Fixed axis ranges; default: the data's. */
  x?: [number, number];
  y?: [number, number];
  /** A band to shade along x (an outage window), with its label. */
  band?: { from: number; to: number; label: string };
  /** Format of tick labels. */
  xTick?: (value: number) => string;
  yTick?: (value: number) => string;
};

const WIDTH = 760;
const HEIGHT = 360;
const PAD = { left: 64, right: 190, top: 36, bottom: 48 };
// Okabe–Ito: distinguishable for colour-blind readers.
const COLOURS = ["#000000", "#E69F00", "#56B4E9", "#009E73", "#D55E00", "#0072B2", "#CC79A7"];

const escapeXml = (text: string) =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

function ticks(min: number, max: number, log: boolean): number[] {
  if (log) {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
      for (const m of [1, 2, 5]) {
        const v = m * 10 ** e;
        if (v >= min && v <= max) out.push(v);
      }
    }
    return out;
  }
  const step = 10 ** Math.floor(Math.log10((max - min) / 4 || 1));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => (max - min) / s <= 6) ?? step * 10;
  const out: number[] = [];
  for (let v = Math.ceil(min / nice) * nice; v <= max + 1e-9; v += nice) out.push(v);
  return out;
}

function extent(values: number[], log: boolean): [number, number] {
  const usable = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  if (usable.length === 0) return log ? [1, 10] : [0, 1];
  return [Math.min(...usable), Math.max(...usable)];
}

export function lineChart(options: LineChartOptions): string {
  const xLog = options.xLog ?? false;
  const yLog = options.yLog ?? false;
  const all = options.series.flatMap((s) => s.points);
  const [x0, x1] =
    options.x ??
    extent(
      all.map((p) => p[0]),
      xLog,
    );
  const [y0, y1] =
    options.y ??
    extent(
      all.map((p) => p[1]),
      yLog,
    );
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const scale = (v: number, a: number, b: number, log: boolean) =>
    log ? (Math.log(v) - Math.log(a)) / (Math.log(b) - Math.log(a) || 1) : (v - a) / (b - a || 1);
  const sx = (v: number) => PAD.left + plotW * Math.min(1, Math.max(0, scale(v, x0, x1, xLog)));
  const sy = (v: number) =>
    PAD.top + plotH * (1 - Math.min(1, Math.max(0, scale(v, y0, y1, yLog))));
  const xTick = options.xTick ?? ((v: number) => String(v));
  const yTick = options.yTick ?? ((v: number) => String(v));
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="system-ui, sans-serif" font-size="11">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${PAD.left}" y="20" font-size="13" font-weight="600">${escapeXml(options.title)}</text>`,
  ];
  if (options.band) {
    const { from, to, label } = options.band;
    out.push(
      `<rect x="${sx(from)}" y="${PAD.top}" width="${sx(to) - sx(from)}" height="${plotH}" fill="#d55e00" fill-opacity="0.08"/>`,
      `<text x="${sx(from) + 4}" y="${PAD.top + 12}" fill="#a33">${escapeXml(label)}</text>`,
    );
  }
  for (const v of ticks(x0, x1, xLog)) {
    out.push(
      `<line x1="${sx(v)}" x2="${sx(v)}" y1="${PAD.top}" y2="${PAD.top + plotH}" stroke="#eee"/>`,
      `<text x="${sx(v)}" y="${PAD.top + plotH + 14}" text-anchor="middle">${escapeXml(xTick(v))}</text>`,
    );
  }
  for (const v of ticks(y0, y1, yLog)) {
    out.push(
      `<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${sy(v)}" y2="${sy(v)}" stroke="#eee"/>`,
      `<text x="${PAD.left - 6}" y="${sy(v) + 4}" text-anchor="end">${escapeXml(yTick(v))}</text>`,
    );
  }
  out.push(
    `<rect x="${PAD.left}" y="${PAD.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
    `<text x="${PAD.left + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    `<text transform="translate(14 ${PAD.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
  );
  options.series.forEach((series, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const points = series.points.filter(
      ([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!xLog || x > 0) && (!yLog || y > 0),
    );
    if (points.length > 0) {
      const d = points.map(
        ([x, y], j) => `${j ? "L" : "M"}${sx(x).toFixed(1)} ${sy(y).toFixed(1)}`,
      );
      out.push(`<path d="${d.join("")}" fill="none" stroke="${colour}" stroke-width="1.8"/>`);
    }
    const ly = PAD.top + 8 + i * 18;
    out.push(
      `<line x1="${WIDTH - PAD.right + 12}" x2="${WIDTH - PAD.right + 34}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2"/>`,
      `<text x="${WIDTH - PAD.right + 40}" y="${ly + 4}">${escapeXml(series.name)}</text>`,
    );
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
