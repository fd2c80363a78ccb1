/**
 * Horizontal bar charts for survey results, rendered to PNG entirely offline.
 *
 * Pipeline: a vega-lite spec (laid out here with real font metrics) is compiled to vega, vega's
 * headless view (`renderer: "none"`) writes SVG, and resvg rasterises it with the font files the
 * project ships. No browser, no native canvas, no system fonts, no network: vega's loader is
 * replaced by one that refuses every request, and all data is inline.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderAsync } from "@resvg/resvg-js";
import { parse as parseVega, View, type Loader } from "vega";
import { compile as compileVegaLite, type TopLevelSpec } from "vega-lite";
import { parseFontMetrics, type FontMetrics } from "./font-metrics.js";
import { truncateWithEllipsis, wrapText } from "./wrap-text.js";

/**
 * One answer option and how many chose it.
 *
 * @example
 * const bar: BarChartBar = { label: "Mehr Radwege", count: 12 };
 */
export interface BarChartBar {
  readonly label: string;
  /** Non-negative whole or fractional number; zero still gets a row. */
  readonly count: number;
}

/**
 * What to draw. Bars are drawn top to bottom in the given order.
 *
 * @example
 * const input: BarChartInput = {
 *   title: "Was wünschen Sie sich für Ihr Dorf?",
 *   bars: [{ label: "Mehr Radwege", count: 12 }, { label: "Längere Öffnungszeiten", count: 0 }],
 *   valueLabel: (bar, total) => `${bar.count} von ${total}`,
 *   locale: "de",
 * };
 */
export interface BarChartInput {
  /** Already translated; may be empty. Wrapped to at most three lines. */
  readonly title: string;
  readonly bars: readonly BarChartBar[];
  /** Text at the end of each bar. Default: count and share of the total, formatted for `locale`, e.g. "12 (40 %)". */
  readonly valueLabel?: (bar: BarChartBar, total: number) => string;
  /** Logical width in CSS pixels (the PNG is `pixelRatio` times wider). Default 480. */
  readonly width?: number;
  /** BCP 47 tag used for the default value label, e.g. "de" or "en". */
  readonly locale: string;
}

/** Paths of the font files resvg draws with; the family name is read from the regular file. */
export interface BarChartFontFiles {
  readonly regular: string;
  /** Used for the title; falls back to the regular font. */
  readonly bold?: string;
}

export interface BarChartRendererOptions {
  /** Defaults to DejaVu Sans shipped in assets/fonts. */
  readonly fontFiles?: BarChartFontFiles;
  /** Device pixel ratio of the PNG; 2 keeps text sharp on phone screens. Default 2. */
  readonly pixelRatio?: number;
}

export interface BarChartRenderer {
  /** Resolves to PNG bytes. Rejects with RangeError for no bars or invalid counts (caller bugs). */
  render(input: BarChartInput): Promise<Uint8Array>;
  /** The same chart as SVG text (logical size, fonts by family name), for print and newsletters. */
  renderSvg(input: BarChartInput): Promise<string>;
}

const DEFAULT_FONT_FILES: BarChartFontFiles = {
  regular: fileURLToPath(new URL("../../assets/fonts/DejaVuSans.ttf", import.meta.url)),
  bold: fileURLToPath(new URL("../../assets/fonts/DejaVuSans-Bold.ttf", import.meta.url)),
};

// Layout in CSS pixels. Chosen for phones: messengers show images about 300-400 px wide, so the
// default width stays small and fonts comparatively large.
const DEFAULT_WIDTH = 480;
const MIN_WIDTH = 280;
const MAX_WIDTH = 1600;
const PADDING = 16;
const TITLE_FONT_SIZE = 16;
const TITLE_LINE_HEIGHT = 21;
const TITLE_MAX_LINES = 3;
const TITLE_GAP = 14;
const LABEL_FONT_SIZE = 14;
const LABEL_LINE_HEIGHT = 17;
const LABEL_MAX_LINES = 3;
const LABEL_COLUMN_SHARE = 0.42;
const LABEL_GAP = 10;
const VALUE_FONT_SIZE = 14;
const VALUE_GAP = 6;
const BAR_THICKNESS = 20;
const ROW_PADDING = 12;
const MIN_ROW_HEIGHT = 34;

// Colours: bar blue has 4.6:1 contrast on white (WCAG non-text needs 3:1); text is near-black.
const COLOURS = {
  background: "#ffffff",
  bar: "#3a72c4",
  track: "#edf1f7",
  text: "#1f2933",
  title: "#111827",
} as const;

/** A vega loader that refuses everything, so a spec can never make vega read files or the network. */
function createRefusingLoader(): Loader {
  const refuse = (what: string): Promise<never> =>
    Promise.reject(new Error(`chart rendering does not load external resources (${what})`));
  return {
    load: (uri) => refuse(uri),
    sanitize: (uri) => refuse(uri),
    http: (uri) => refuse(uri),
    file: (filename) => refuse(filename),
  };
}

/**
 * The default value label: count and share of the total in the locale's number style, e.g.
 * "1.234 (40 %)" in German and "1,234 (40%)" in English; just the count while the total is zero.
 */
export function formatBarValue(locale: string): (bar: BarChartBar, total: number) => string {
  const count = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const percent = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 });
  return (bar, total) => (total > 0 ? `${count.format(bar.count)} (${percent.format(bar.count / total)})` : count.format(bar.count));
}

function validate(input: BarChartInput): void {
  if (input.bars.length === 0) throw new RangeError("a bar chart needs at least one bar");
  for (const bar of input.bars) {
    if (!Number.isFinite(bar.count) || bar.count < 0) {
      throw new RangeError(`bar count must be a finite non-negative number, got ${bar.count}`);
    }
  }
}

interface Row {
  readonly count: number;
  readonly track: number;
  readonly lines: string[];
  /** Pixel positions inside the plot: rows grow with their label's line count. */
  readonly barTop: number;
  readonly barBottom: number;
  readonly centre: number;
  /** Baseline-middle of the first label line, so the whole block is centred on the bar. */
  readonly labelTop: number;
  readonly value: string;
}

/** Lays the chart out with real text widths and returns the vega-lite spec plus its pixel size. */
function buildSpec(input: BarChartInput, regular: FontMetrics, bold: FontMetrics): { spec: TopLevelSpec; width: number; height: number } {
  const width = Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, input.width ?? DEFAULT_WIDTH)));
  const inner = width - 2 * PADDING;
  const measureLabel = (t: string): number => regular.measure(t, LABEL_FONT_SIZE);
  const measureValue = (t: string): number => regular.measure(t, VALUE_FONT_SIZE);
  const measureTitle = (t: string): number => bold.measure(t, TITLE_FONT_SIZE);

  const total = input.bars.reduce((sum, bar) => sum + bar.count, 0);
  const valueLabel = input.valueLabel ?? formatBarValue(input.locale);
  const values = input.bars.map((bar) => valueLabel(bar, total));
  // Keep value texts from eating the bars: at most a quarter of the width each.
  const valueMax = inner * 0.25;
  const shownValues = values.map((v) => truncateWithEllipsis(v, valueMax, measureValue));
  const valueColumn = Math.ceil(Math.max(0, ...shownValues.map(measureValue))) + VALUE_GAP;

  const labelMax = Math.floor(inner * LABEL_COLUMN_SHARE);
  const wrapped = input.bars.map((bar) => wrapText(bar.label, labelMax, measureLabel, LABEL_MAX_LINES));
  const widest = Math.max(0, ...wrapped.flat().map(measureLabel));
  const labelColumn = Math.ceil(Math.min(labelMax, widest));

  const titleLines = wrapText(input.title, inner, measureTitle, TITLE_MAX_LINES);
  const titleBlock = titleLines.length > 0 ? titleLines.length * TITLE_LINE_HEIGHT + TITLE_GAP : 0;

  const plotLeft = PADDING + labelColumn + (labelColumn > 0 ? LABEL_GAP : 0);
  const plotWidth = Math.max(40, width - plotLeft - PADDING - valueColumn);
  const maxCount = Math.max(...input.bars.map((bar) => bar.count));
  const domainMax = maxCount > 0 ? maxCount : 1;
  let rowTop = 0;
  const rows: Row[] = input.bars.map((bar, i) => {
    const lines = wrapped[i] ?? [];
    const rowHeight = Math.max(MIN_ROW_HEIGHT, lines.length * LABEL_LINE_HEIGHT + ROW_PADDING);
    const centre = rowTop + rowHeight / 2;
    rowTop += rowHeight;
    return {
      count: bar.count,
      track: domainMax,
      lines,
      barTop: centre - BAR_THICKNESS / 2,
      barBottom: centre + BAR_THICKNESS / 2,
      centre,
      labelTop: centre - ((Math.max(1, lines.length) - 1) * LABEL_LINE_HEIGHT) / 2,
      value: shownValues[i] ?? "",
    };
  });
  const plotHeight = rowTop;
  const height = PADDING + titleBlock + plotHeight + PADDING;

  const barTop = { field: "barTop", type: "quantitative", scale: null } as const;
  const barBottom = { field: "barBottom" } as const;
  const centre = { field: "centre", type: "quantitative", scale: null } as const;
  const x = { field: "count", type: "quantitative" as const, scale: { domain: [0, domainMax], nice: false, zero: true }, axis: null };
  const spec: TopLevelSpec = {
    width: plotWidth,
    height: plotHeight,
    autosize: { type: "none" },
    padding: { left: plotLeft, top: PADDING + titleBlock, right: width - plotLeft - plotWidth, bottom: PADDING },
    background: COLOURS.background,
    config: { font: regular.family, view: { stroke: null } },
    data: { values: rows as unknown as Record<string, unknown>[] },
    layer: [
      {
        mark: { type: "rect", color: COLOURS.track, cornerRadius: 4 },
        encoding: { x: { ...x, field: "track" }, x2: { datum: 0 }, y: barTop, y2: barBottom },
      },
      {
        mark: { type: "rect", color: COLOURS.bar, cornerRadius: 4 },
        encoding: { x, x2: { datum: 0 }, y: barTop, y2: barBottom },
      },
      {
        mark: { type: "text", align: "right", baseline: "middle", fontSize: LABEL_FONT_SIZE, lineHeight: LABEL_LINE_HEIGHT, color: COLOURS.text, dx: -LABEL_GAP },
        encoding: { x: { value: 0 }, y: { field: "labelTop", type: "quantitative", scale: null }, text: { field: "lines" } },
      },
      {
        // Values sit in their own right-aligned column after the track, so digits line up.
        mark: { type: "text", align: "right", baseline: "middle", fontSize: VALUE_FONT_SIZE, color: COLOURS.text, dx: valueColumn },
        encoding: { x: { ...x, field: "track" }, y: centre, text: { field: "value" } },
      },
      ...(titleLines.length > 0
        ? [
            {
              data: { values: [{ lines: titleLines }] },
              mark: {
                type: "text",
                align: "left",
                baseline: "top",
                font: bold.family,
                fontWeight: "bold",
                fontSize: TITLE_FONT_SIZE,
                lineHeight: TITLE_LINE_HEIGHT,
                color: COLOURS.title,
              },
              encoding: { x: { value: PADDING - plotLeft }, y: { value: -titleBlock }, text: { field: "lines" } },
            } as const,
          ]
        : []),
    ],
  };
  return { spec, width, height };
}

/**
 * Creates a renderer bound to a set of font files (read once, here).
 *
 * @example
 * const charts = createBarChartRenderer();
 * const png = await charts.render({ title: "Ergebnis", bars: [{ label: "Ja", count: 3 }], locale: "de" });
 */
export function createBarChartRenderer(options: BarChartRendererOptions = {}): BarChartRenderer {
  const files = options.fontFiles ?? DEFAULT_FONT_FILES;
  const pixelRatio = options.pixelRatio ?? 2;
  const regular = parseFontMetrics(readFileSync(files.regular));
  const bold = files.bold ? parseFontMetrics(readFileSync(files.bold)) : regular;
  const fontFiles = files.bold ? [files.regular, files.bold] : [files.regular];

  async function svgOf(input: BarChartInput): Promise<{ svg: string; width: number; height: number }> {
    validate(input);
    const { spec, width, height } = buildSpec(input, regular, bold);
    const vegaSpec = compileVegaLite(spec).spec;
    const view = new View(parseVega(vegaSpec), { renderer: "none", loader: createRefusingLoader() });
    try {
      return { svg: await view.toSVG(), width, height };
    } finally {
      view.finalize();
    }
  }

  return {
    renderSvg: async (input) => (await svgOf(input)).svg,
    async render(input) {
      const { svg, width, height } = await svgOf(input);
      const image = await renderAsync(svg, {
        fitTo: { mode: "zoom", value: pixelRatio },
        background: COLOURS.background,
        font: {
          loadSystemFonts: false,
          fontFiles,
          defaultFontFamily: regular.family,
          sansSerifFamily: regular.family,
        },
        logLevel: "off",
      });
      if (image.width !== Math.round(width * pixelRatio) || image.height !== Math.round(height * pixelRatio)) {
        throw new Error(`chart rendered at ${image.width}x${image.height}, expected ${width}x${height} at ${pixelRatio}x`);
      }
      return new Uint8Array(image.asPng());
    },
  };
}

let defaultRenderer: BarChartRenderer | undefined;

/** Renders with the shipped fonts at 2x; the renderer is created on first use. */
export function renderBarChart(input: BarChartInput): Promise<Uint8Array> {
  defaultRenderer ??= createBarChartRenderer();
  return defaultRenderer.render(input);
}

/** The same chart as SVG, with the shipped fonts' metrics; the renderer is created on first use. */
export function renderBarChartSvg(input: BarChartInput): Promise<string> {
  defaultRenderer ??= createBarChartRenderer();
  return defaultRenderer.renderSvg(input);
}
