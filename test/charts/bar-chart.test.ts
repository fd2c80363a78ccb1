import { describe, expect, it } from "vitest";
import { createBarChartRenderer, formatBarValue, renderBarChart, type BarChartInput } from "../../src/charts/bar-chart.js";
import { countPixels, decodePng, type DecodedPng } from "./decode-png.js";

const isNonWhite = (r: number, g: number, b: number): boolean => r < 245 || g < 245 || b < 245;
const isDark = (r: number, g: number, b: number): boolean => r + g + b < 300;
/** The bar blue (#3a72c4) and its anti-aliased core. */
const isBarBlue = (r: number, g: number, b: number): boolean => b > 150 && r < 90 && g > 90 && g < 140;
/** The light track behind each bar (#edf1f7). */
const isTrack = (r: number, g: number, b: number): boolean => Math.abs(r - 0xed) < 4 && Math.abs(g - 0xf1) < 4 && Math.abs(b - 0xf7) < 4;

const german: BarChartInput = {
  title: "Was wünschen Sie sich für Großenwörden?",
  bars: [
    { label: "Mehr Radwege zwischen den Ortsteilen Düdenbüttel und Großenwörden", count: 12 },
    { label: "Längere Öffnungszeiten im Bürgerbüro", count: 9 },
    { label: "Straßenfeste & Märkte", count: 3 },
    { label: "Nichts davon", count: 0 },
  ],
  locale: "de",
};

async function render(input: BarChartInput): Promise<DecodedPng> {
  return decodePng(await renderBarChart(input));
}

/** Left part of the image, where the answer labels are drawn. */
function labelRegion(png: DecodedPng) {
  return { x0: 0, y0: 0, x1: Math.floor(png.width * 0.4), y1: png.height };
}

describe("renderBarChart", () => {
  it("renders a German chart as a 2x PNG with bars and text", async () => {
    const png = await render(german);
    expect(png.width).toBe(960);
    expect(png.height).toBeGreaterThan(300);
    expect(png.height).toBeLessThan(1200);
    const total = png.width * png.height;
    expect(countPixels(png, isNonWhite) / total).toBeGreaterThan(0.08);
    expect(countPixels(png, isBarBlue)).toBeGreaterThan(5000);
    expect(countPixels(png, isDark)).toBeGreaterThan(3000);
  });

  it("draws the label text, including umlauts and ß, with the shipped font", async () => {
    // No title, so the left part of the image holds nothing but the labels.
    const withLabels = await render({ ...german, title: "" });
    const withoutLabels = await render({ ...german, title: "", bars: german.bars.map((bar) => ({ ...bar, label: "" })) });
    expect(countPixels(withLabels, isDark, labelRegion(withLabels))).toBeGreaterThan(2000);
    expect(countPixels(withoutLabels, isDark, labelRegion(withoutLabels))).toBe(0);

    // Same row layout, only the diacritics differ: the dots and ß must change the ink.
    const plain = await render({ title: "", bars: [{ label: "Strasse Oefen Mull", count: 1 }], locale: "de" });
    const umlauts = await render({ title: "", bars: [{ label: "Straße Öfen Müll", count: 1 }], locale: "de" });
    expect(umlauts.height).toBe(plain.height);
    expect(umlauts.rgba).not.toEqual(plain.rgba);
    expect(countPixels(umlauts, isDark, labelRegion(umlauts))).toBeGreaterThan(200);
  });

  it("grows with the title and with each row", async () => {
    const noTitle = await render({ ...german, title: "" });
    const withTitle = await render(german);
    expect(withTitle.height).toBeGreaterThan(noTitle.height);
    const one = await render({ title: "", bars: [{ label: "Ja", count: 1 }], locale: "de" });
    const two = await render({ title: "", bars: [{ label: "Ja", count: 1 }, { label: "Nein", count: 1 }], locale: "de" });
    // Single-line rows are 34 CSS px high, 68 px at 2x.
    expect(two.height - one.height).toBe(68);
  });

  it("shows zero rows when every count is zero", async () => {
    const png = await render({ title: "Noch keine Antworten", bars: [{ label: "Ja", count: 0 }, { label: "Nein", count: 0 }], locale: "de" });
    expect(countPixels(png, isBarBlue)).toBe(0);
    expect(countPixels(png, isTrack)).toBeGreaterThan(10_000);
    expect(countPixels(png, isDark, labelRegion(png))).toBeGreaterThan(100);
  });

  it("renders a single bar", async () => {
    const png = await render({ title: "Eine Frage", bars: [{ label: "Einzige Antwort", count: 5 }], locale: "de" });
    expect(png.width).toBe(960);
    expect(countPixels(png, isBarBlue)).toBeGreaterThan(5000);
  });

  it("renders twelve bars, each with its own bar", async () => {
    const bars = Array.from({ length: 12 }, (_, i) => ({ label: `Antwort Nummer ${i + 1}`, count: i + 1 }));
    const png = await render({ title: "Zwölf Möglichkeiten", bars, locale: "de" });
    const twelveRows = 12 * 68;
    expect(png.height).toBeGreaterThan(twelveRows);
    // The first pixel column of the plot is crossed by every non-zero bar.
    let leftRuns = 0;
    let inside = false;
    const plotStart = findFirstBlueColumn(png);
    for (let y = 0; y < png.height; y++) {
      const i = (y * png.width + plotStart + 4) * 4;
      const blue = isBarBlue(png.rgba[i] ?? 0, png.rgba[i + 1] ?? 0, png.rgba[i + 2] ?? 0);
      if (blue && !inside) leftRuns++;
      inside = blue;
    }
    expect(leftRuns).toBe(12);
  });

  it("keeps very long labels and titles within the image by wrapping and truncating", async () => {
    const long = "Sehr lange Antwortmöglichkeit ".repeat(20);
    const png = await render({ title: long, bars: [{ label: long, count: 3 }, { label: "Kurz", count: 1 }], locale: "de" });
    // Title at most 3 lines, label at most 3 lines: the image stays compact.
    expect(png.height).toBeLessThan(2 * (16 + 3 * 21 + 14 + (3 * 17 + 12) + 34 + 16) + 1);
    expect(countPixels(png, isBarBlue)).toBeGreaterThan(1000);
  });

  it("honours width and pixel ratio", async () => {
    const renderer = createBarChartRenderer({ pixelRatio: 1 });
    const png = decodePng(await renderer.render({ ...german, width: 640 }));
    expect(png.width).toBe(640);
  });

  it("rejects charts without bars and invalid counts", async () => {
    await expect(renderBarChart({ title: "x", bars: [], locale: "de" })).rejects.toThrow(RangeError);
    await expect(renderBarChart({ title: "x", bars: [{ label: "a", count: -1 }], locale: "de" })).rejects.toThrow(RangeError);
    await expect(renderBarChart({ title: "x", bars: [{ label: "a", count: Number.NaN }], locale: "de" })).rejects.toThrow(RangeError);
  });

  it("draws markup-like labels as text", async () => {
    const png = await render({ title: "<b>&amp;</b>", bars: [{ label: "<script>x</script> & \"Ä\"", count: 2 }], locale: "de" });
    expect(countPixels(png, isDark, labelRegion(png))).toBeGreaterThan(200);
  });
});

function findFirstBlueColumn(png: DecodedPng): number {
  for (let x = 0; x < png.width; x++) {
    for (let y = 0; y < png.height; y++) {
      const i = (y * png.width + x) * 4;
      if (isBarBlue(png.rgba[i] ?? 0, png.rgba[i + 1] ?? 0, png.rgba[i + 2] ?? 0)) return x;
    }
  }
  throw new Error("no bar drawn");
}

describe("formatBarValue", () => {
  it("formats counts and shares per locale", () => {
    const nbsp = /\u00a0|\u202f/g;
    expect(formatBarValue("de")({ label: "a", count: 1234 }, 2468).replace(nbsp, " ")).toBe("1.234 (50 %)");
    expect(formatBarValue("en")({ label: "a", count: 1234 }, 2468)).toBe("1,234 (50%)");
    expect(formatBarValue("de")({ label: "a", count: 0 }, 0)).toBe("0");
  });
});
