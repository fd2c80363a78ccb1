import { describe, expect, it } from "vitest";
import { parseTelegramHtml } from "./html-entities.js";

describe("parseTelegramHtml", () => {
  it("counts entity offsets in UTF-16 code units, like Telegram", () => {
    const parsed = parseTelegramHtml("😀 Ö <b>fett</b> <tg-spoiler>geheim</tg-spoiler>");
    expect(parsed).toEqual({
      ok: true,
      text: "😀 Ö fett geheim",
      entities: [
        { type: "bold", offset: 5, length: 4 },
        { type: "spoiler", offset: 10, length: 6 },
      ],
    });
  });

  it("gives pre blocks their language and decodes numeric entities", () => {
    const parsed = parseTelegramHtml('<pre><code class="language-ts">a &lt; b &#38; c</code></pre>');
    expect(parsed).toEqual({ ok: true, text: "a < b & c", entities: [{ type: "pre", offset: 0, length: 9, language: "ts" }] });
  });

  it("reports the byte offset of an unsupported tag", () => {
    const parsed = parseTelegramHtml("Größe<p>");
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.description).toBe('Bad Request: can\'t parse entities: Unsupported start tag "p" at byte offset 7');
  });
});
