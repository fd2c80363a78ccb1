import { describe, expect, it } from "vitest";
import { cleanDeep, cleanText, needsCleaning } from "../../../src/core/text/clean-text.js";

describe("cleanText", () => {
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    ["NUL inside a word", "hello\u0000world", "helloworld"],
    ["lone high surrogate", "a\uD83Db", "ab"],
    ["lone low surrogate", "a\uDE00b", "ab"],
    ["a real emoji stays", "Bank 😀 am See", "Bank 😀 am See"],
    ["C0 controls", "a\u0001\u0007\u001Bb", "ab"],
    ["DEL and C1 controls", "a\u007F\u0085\u009Fb", "ab"],
    ["tab and newline stay", "a\tb\nc", "a\tb\nc"],
    ["CRLF and CR become LF", "a\r\nb\rc", "a\nb\nc"],
    ["NFC", "Cafe\u0301 Mu\u0308hle", "Café Mühle"],
    ["plain text unchanged", "Mehr Bänke am Dorfteich", "Mehr Bänke am Dorfteich"],
    ["only controls", "\u0000\u0001", ""],
  ];
  it.each(cases)("%s", (_name, input, expected) => {
    expect(cleanText(input)).toBe(expected);
    expect(needsCleaning(input)).toBe(input !== expected);
    // Clean text is stable and storable as JSON text.
    expect(cleanText(expected)).toBe(expected);
    expect(JSON.stringify(expected)).not.toMatch(/\\u0000|\\ud[89a-f]/i);
  });

  it("cleans every string and key of a nested payload, leaving other values alone", () => {
    const update = { update_id: 7, message: { text: "x\u0000y", from: { first_name: "A\uD800", is_bot: false }, "k\u0000": [1, "z\u0001"] } };
    expect(cleanDeep(update)).toEqual({ update_id: 7, message: { text: "xy", from: { first_name: "A", is_bot: false }, k: [1, "z"] } });
  });
});
