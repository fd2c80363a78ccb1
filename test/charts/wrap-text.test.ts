import { describe, expect, it } from "vitest";
import { truncateWithEllipsis, wrapText } from "../../src/charts/wrap-text.js";

// One unit per character keeps the expectations readable.
const measure = (text: string): number => Array.from(text).length;

describe("wrapText", () => {
  it("wraps at word boundaries within the width", () => {
    expect(wrapText("Mehr Radwege zwischen den Ortsteilen", 14, measure, 5)).toEqual(["Mehr Radwege", "zwischen den", "Ortsteilen"]);
  });

  it("ends the last allowed line with an ellipsis when text remains", () => {
    const lines = wrapText("Mehr Radwege zwischen den Ortsteilen", 14, measure, 2);
    expect(lines).toEqual(["Mehr Radwege", "zwischen den…"]);
    for (const line of lines) expect(measure(line)).toBeLessThanOrEqual(14);
  });

  it("breaks words longer than a line", () => {
    expect(wrapText("Donaudampfschifffahrt", 8, measure, 5)).toEqual(["Donaudam", "pfschiff", "fahrt"]);
  });

  it("returns no lines for blank text and collapses whitespace", () => {
    expect(wrapText("   ", 10, measure, 2)).toEqual([]);
    expect(wrapText(" a \n  b ", 10, measure, 2)).toEqual(["a b"]);
  });
});

describe("truncateWithEllipsis", () => {
  it("keeps text that fits and shortens text that does not", () => {
    expect(truncateWithEllipsis("Straße", 6, measure)).toBe("Straße");
    expect(truncateWithEllipsis("Straßenfest", 6, measure)).toBe("Straß…");
    expect(truncateWithEllipsis("Straßenfest", 0, measure)).toBe("…");
  });
});
