import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseFontMetrics } from "../../src/charts/font-metrics.js";

const regular = parseFontMetrics(readFileSync(new URL("../../assets/fonts/DejaVuSans.ttf", import.meta.url)));
const bold = parseFontMetrics(readFileSync(new URL("../../assets/fonts/DejaVuSans-Bold.ttf", import.meta.url)));

describe("parseFontMetrics", () => {
  it("reads the family name resvg matches on", () => {
    expect(regular.family).toBe("DejaVu Sans");
    expect(bold.family).toBe("DejaVu Sans");
  });

  it("measures proportional widths that scale with the font size", () => {
    expect(regular.measure("iiii", 14)).toBeLessThan(regular.measure("MMMM", 14));
    expect(regular.measure("Größe", 28)).toBeCloseTo(2 * regular.measure("Größe", 14), 6);
    expect(bold.measure("Größe", 14)).toBeGreaterThan(regular.measure("Größe", 14));
    expect(regular.measure("", 14)).toBe(0);
  });

  it("has real glyphs for umlauts and ß, as wide as their base letters or close", () => {
    // DejaVu draws ä/ö/ü on the advance width of a/o/u; ß is a glyph of its own.
    expect(regular.measure("ä", 100)).toBeCloseTo(regular.measure("a", 100), 6);
    expect(regular.measure("Ü", 100)).toBeCloseTo(regular.measure("U", 100), 6);
    expect(regular.measure("ß", 100)).toBeGreaterThan(40);
    expect(regular.measure("ß", 100)).toBeLessThan(80);
  });
});
