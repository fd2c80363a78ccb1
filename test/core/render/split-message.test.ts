import { describe, expect, it } from "vitest";
import type { OutboundMessage } from "../../../src/core/model/outbound-message.js";
import { splitHtml, splitOutbound, visibleLength, visibleText, type PartBudget } from "../../../src/core/render/split-message.js";
import { parseTelegramHtml } from "../../support/telegram/html-entities.js";

const chars = (limit: number): PartBudget => ({ limit, measure: visibleLength });
const bytes = (limit: number): PartBudget => ({ limit, measure: (html) => Buffer.byteLength(html, "utf8") });
const fitting = (budget: PartBudget) => (html: string) => budget.measure(html) <= budget.limit;
const words = (count: number, word = "Wort") => Array.from({ length: count }, (_, i) => `${word}${i}`).join(" ");
const paragraph = (index: number) => `Absatz ${index}: ${words(40, "Satz")}.`;
const noSpace = (text: string) => text.replace(/\s+/g, "");

/** The text Telegram would show for a part; fails the test when the part is not valid HTML. */
function telegramText(part: string): string {
  const parsed = parseTelegramHtml(part);
  if (!parsed.ok) throw new Error(`part is not valid Telegram HTML: ${parsed.error.description}\n${part}`);
  return parsed.text;
}

interface Case {
  readonly name: string;
  readonly html: string;
  readonly budget: PartBudget;
  readonly minParts: number;
  /** Extra checks on the parts. */
  readonly check?: (parts: string[]) => void;
}

const cases: Case[] = [
  {
    name: "long plain text is cut between words",
    html: words(2000),
    budget: chars(4096),
    minParts: 4,
    check: (parts) => {
      // Every part holds whole words: the cut dropped a space, never a piece of a word.
      const all = new Set(words(2000).split(" "));
      for (const part of parts) for (const word of part.split(" ")) expect(all.has(word), word).toBe(true);
    },
  },
  {
    name: "long paragraphs are cut between paragraphs",
    html: Array.from({ length: 40 }, (_, i) => paragraph(i)).join("\n\n"),
    budget: chars(1500),
    minParts: 4,
    check: (parts) => {
      for (const part of parts) {
        expect(part.startsWith("Absatz ")).toBe(true);
        expect(part.endsWith(".")).toBe(true);
      }
    },
  },
  {
    name: "lines are preferred to words",
    html: Array.from({ length: 300 }, (_, i) => `Zeile ${i}: ${words(3)}`).join("\n"),
    budget: chars(1000),
    minParts: 5,
    check: (parts) => {
      for (const part of parts) for (const line of part.split("\n")) expect(line).toMatch(/^Zeile \d+: Wort0 Wort1 Wort2$/);
    },
  },
  {
    name: "one huge word is cut between characters",
    html: "x".repeat(10_000),
    budget: chars(4096),
    minParts: 3,
    check: (parts) => expect(parts.map((p) => p.length)).toEqual([4096, 4096, 1808]),
  },
  {
    name: "nested tags open at a cut are closed and reopened",
    html: `<b>Fett <i>kursiv ${"y".repeat(9000)}</i> wieder fett</b> normal`,
    budget: chars(4096),
    minParts: 3,
    check: (parts) => {
      expect(parts[0]).toMatch(/^<b>Fett <i>kursiv y+<\/i><\/b>$/);
      expect(parts[1]).toMatch(/^<b><i>y+<\/i><\/b>$/);
      expect(parts.at(-1)).toMatch(/^<b><i>y+<\/i> wieder fett<\/b> normal$/);
    },
  },
  {
    name: "a link keeps its address in every part",
    html: `Siehe <a href="https://example.org/?a=1&amp;b=2">${words(1500)}</a> Ende`,
    budget: chars(4096),
    minParts: 2,
    check: (parts) => {
      for (const part of parts) {
        const parsed = parseTelegramHtml(part);
        expect(parsed.ok && parsed.entities.some((e) => e.type === "text_link" && "url" in e && e.url === "https://example.org/?a=1&b=2")).toBe(true);
      }
    },
  },
  {
    name: "entities are never cut",
    html: "&amp;&lt;&gt;&quot;&#228;".repeat(2000),
    budget: chars(4096),
    minParts: 3,
    check: (parts) => {
      for (const part of parts) expect(part).toMatch(/^(&amp;|&lt;|&gt;|&quot;|&#228;)+$/);
    },
  },
  {
    name: "surrogate pairs and emoji sequences stay whole",
    html: "😀".repeat(3000) + "👨‍👩‍👧".repeat(1000),
    budget: chars(4096),
    minParts: 3,
    check: (parts) => {
      for (const part of parts) {
        expect(part).toMatch(/^(😀|👨‍👩‍👧)+$/u);
      }
    },
  },
  {
    name: "a pre block is cut at a line and stays pre",
    html: `Ausgabe:\n<pre>${Array.from({ length: 400 }, (_, i) => `zeile ${i} = ${"z".repeat(20)}`).join("\n")}</pre>\nfertig`,
    budget: chars(4096),
    minParts: 3,
    check: (parts) => {
      for (const part of parts.slice(1, -1)) expect(part).toMatch(/^<pre>zeile \d+ [\s\S]*z<\/pre>$/);
      expect(parts.at(-1)).toMatch(/<\/pre>\nfertig$/);
    },
  },
  {
    name: "a byte measure splits multi-byte text by bytes",
    html: `<b>${"Grüße aus Großenwörden ".repeat(400)}</b>`,
    budget: bytes(2000),
    minParts: 5,
  },
];

describe("splitHtml", () => {
  it.each(cases)("$name", ({ html, budget, minParts, check }) => {
    const parts = splitHtml(html, budget);
    const fits = fitting(budget);
    expect(parts.length).toBeGreaterThanOrEqual(minParts);
    for (const part of parts) {
      expect(fits(part)).toBe(true);
      expect(telegramText(part).trim()).not.toBe("");
    }
    // Nothing lost, nothing added, in order: only whitespace at the cuts may go.
    expect(noSpace(parts.map(telegramText).join(""))).toBe(noSpace(telegramText(html)));
    check?.(parts);
  });

  it("moves a start tag at a mid-word cut to the next part instead of leaving it empty", () => {
    expect(splitHtml(`${"x".repeat(10)}<b>${"y".repeat(10)}</b>`, chars(10))).toEqual(["x".repeat(10), `<b>${"y".repeat(10)}</b>`]);
  });

  it("makes no empty last part of trailing whitespace", () => {
    // Only whitespace and an empty tag follow the cut: Telegram would refuse that as an empty message.
    expect(splitHtml(`Wort0 Wort1${" ".repeat(20)}<b> </b>\n`, chars(12))).toEqual(["Wort0 Wort1"]);
  });

  it("keeps every invariant on random mixes of tags, entities, emoji and breaks", () => {
    let seed = 20_261_201;
    const random = (below: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % below;
    };
    const pieces = ["Wort", "Straße", "&amp;", "&lt;", "😀", "👍🏽", "e\u0301", " ", " ", "\n", "\n\n", "x".repeat(30)];
    const wraps: [string, string][] = [["<b>", "</b>"], ["<i>", "</i>"], ['<a href="https://example.org/?q=1&amp;r=2">', "</a>"], ["<code>", "</code>"], ["<pre>", "</pre>"]];
    const build = (depth: number): string => {
      let out = "";
      for (let i = random(30) + 5; i > 0; i -= 1) {
        if (depth < 3 && random(6) === 0) {
          const [open, close] = wraps[random(depth === 0 ? wraps.length : 4)]!;
          out += `${open}${build(depth + 1)}${close}`;
        } else out += pieces[random(pieces.length)]!;
      }
      return out;
    };
    // 40 seeded rounds cover every piece and wrap many times over; more only slow the suite down.
    for (let round = 0; round < 40; round += 1) {
      const html = Array.from({ length: random(8) + 1 }, () => build(0)).join("");
      const budget = random(2) === 0 ? chars(random(60) + 20) : bytes(random(300) + 250);
      const parts = splitHtml(html, budget);
      for (const part of parts) {
        expect(budget.measure(part)).toBeLessThanOrEqual(budget.limit);
        expect(part).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      }
      expect(noSpace(parts.map(telegramText).join(""))).toBe(noSpace(telegramText(html)));
    }
  });

  it("returns a message that fits unchanged", () => {
    const html = "<b>Kurz</b>\n\nund &amp; gut";
    expect(splitHtml(html, chars(4096))).toEqual([html]);
  });

  it("cuts between words, closing and reopening tags", () => {
    expect(splitHtml("<b>eins zwei drei</b>", chars(9))).toEqual(["<b>eins zwei</b>", "<b>drei</b>"]);
  });

  it("keeps the whitespace inside parts and only drops it at the cuts", () => {
    const parts = splitHtml(`eins  zwei\n\ndrei vier\n\nfünf sechs`, chars(12));
    expect(parts).toEqual(["eins  zwei", "drei vier", "fünf sechs"]);
  });

  it("counts what Telegram shows: entities as one character, tags not at all", () => {
    expect(visibleLength(`<a href="https://example.org">ab</a>&amp;<b>c</b>`)).toBe(4);
    expect(visibleText("&lt;b&gt; &#x1F600; &apos;")).toBe("<b> 😀 &apos;");
  });

  it("refuses a limit no single character fits", () => {
    expect(() => splitHtml("<b>abc</b>", bytes(5))).toThrow(/single character/);
  });
});

describe("splitOutbound", () => {
  const image = { bytes: new Uint8Array([1, 2, 3]), alt: "Diagramm" };
  const message: OutboundMessage = {
    html: words(3000),
    image,
    choices: [[{ label: "Weiter", action: "surveys:next" }]],
    awaitsPhoto: true,
  };

  it("puts the image on the first part and choices and the photo request on the last", () => {
    const parts = splitOutbound(message, chars(4096));
    expect(parts.length).toBeGreaterThan(2);
    expect(parts[0]?.image).toBe(image);
    expect(parts.slice(1).every((p) => p.image === undefined)).toBe(true);
    expect(parts.at(-1)?.choices).toEqual(message.choices);
    expect(parts.at(-1)?.awaitsPhoto).toBe(true);
    expect(parts.slice(0, -1).every((p) => p.choices === undefined && p.awaitsPhoto === undefined)).toBe(true);
  });

  it("leaves a message that fits as it is", () => {
    const short = { ...message, html: "kurz" };
    expect(splitOutbound(short, chars(4096))).toEqual([short]);
  });
});
