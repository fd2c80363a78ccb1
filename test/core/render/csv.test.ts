import { describe, expect, it } from "vitest";
import { parseCsvDelimiter, toCsv } from "../../../src/core/render/csv.js";
import { parseCsv, withoutBom } from "../../support/parse-csv.js";

const HARD = ["Hammah; Mitte", "a,b", "tab\there", 'Zu "laut"', "zwei\nZeilen", "drei\r\nZeilen", "Grüße ß €", "", "-3", "=HYPERLINK(1)"];

describe("CSV for spreadsheets", () => {
  it("starts with the UTF-8 byte-order mark and uses ';' by default", () => {
    const bytes = new TextEncoder().encode(toCsv([["Antwort", "Anzahl"], ["Bäcker", "2"]]));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(withoutBom(bytes)).toBe("Antwort;Anzahl\r\nBäcker;2\r\n");
  });

  for (const delimiter of [";", ",", "\t"] as const) {
    it(`quotes delimiters, quotes and line breaks so every cell parses back (delimiter ${JSON.stringify(delimiter)})`, () => {
      const rows = [HARD, [...HARD].reverse()];
      const bytes = new TextEncoder().encode(toCsv(rows, delimiter));
      const parsed = parseCsv(withoutBom(bytes), delimiter);
      // A text a spreadsheet would run as a formula comes back with a leading ', nothing else changes.
      const expected = rows.map((row) => row.map((cell) => (cell === "=HYPERLINK(1)" ? "'=HYPERLINK(1)" : cell)));
      expect(parsed).toEqual(expected);
    });
  }

  it("reads --delimiter", () => {
    expect(parseCsvDelimiter(undefined)).toBe(";");
    expect(parseCsvDelimiter(",")).toBe(",");
    expect(parseCsvDelimiter("tab")).toBe("\t");
    expect(parseCsvDelimiter("\t")).toBe("\t");
    expect(parseCsvDelimiter("|")).toBeUndefined();
  });
});
