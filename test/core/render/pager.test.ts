import { beforeAll, describe, expect, it } from "vitest";
import { MAX_ACTION_BYTES } from "../../../src/channels/telegram/callback-codec.js";
import { MAX_PAGE_ACTION_LENGTH, PAGE_CHARS, cutText, definePageAction, renderPage, shortenedHtml, type PagerText } from "../../../src/core/render/pager.js";
import { htmlToPlain } from "../../../src/core/render/plain-text.js";
import type { TranslationValues } from "../../../src/core/ports/translator.js";
import { createTranslator } from "../../../src/i18n/translator.js";

let de: PagerText & { locale: string };
let en: PagerText & { locale: string };
const ACTION = definePageAction("mod", "aup", 1);

beforeAll(async () => {
  const translator = await createTranslator();
  const text = (locale: "de" | "en") => ({
    locale,
    t: (key: string, values?: TranslationValues) => translator.t(locale, key, values),
    label: (key: string, values?: TranslationValues) => htmlToPlain(translator.t(locale, key, values)),
  });
  de = text("de");
  en = text("en");
});

const items = (count: number, length: number) =>
  Array.from({ length: count }, (_, i) => ({ html: `• ${String(i).padStart(3, "0")} ${"x".repeat(length - 6)}`, value: i }));

describe("page actions", () => {
  it("are built and parsed by one definition, and fit Telegram's button data", () => {
    const action = ACTION.make(12, [100]);
    expect(action).toBe("mod:aup:100:12");
    const [, verb, ...args] = action.split(":");
    expect(ACTION.parse(verb!, args)).toEqual({ keys: ["100"], page: 12 });
    expect(ACTION.parse("aup", ["100"])).toBeUndefined();
    expect(ACTION.parse("aup", ["100", "0"])).toBeUndefined();
    expect(ACTION.parse("other", ["100", "2"])).toBeUndefined();
    expect(() => ACTION.make(1, [])).toThrow();
    expect(() => definePageAction("surveys", "atp", 1).make(99_999, ["x".repeat(16)])).not.toThrow();
    expect(MAX_PAGE_ACTION_LENGTH).toBeLessThanOrEqual(MAX_ACTION_BYTES);
  });
});

describe("renderPage", () => {
  it("packs items into pages within the budget, each item exactly once, with navigation", () => {
    const all = items(40, 400);
    const first = renderPage(de, { header: "<b>Protokoll</b>", items: all, page: 1, action: ACTION, keys: [40] });
    expect(first.pageCount).toBeGreaterThan(4);
    const seen: number[] = [];
    for (let page = 1; page <= first.pageCount; page += 1) {
      const view = renderPage(de, { header: "<b>Protokoll</b>", items: all, page, action: ACTION, keys: [40] });
      expect(htmlToPlain(view.html).length).toBeLessThanOrEqual(PAGE_CHARS);
      expect(view.html).toContain(`Seite ${page} von ${first.pageCount}`);
      expect(view.html.startsWith("<b>Protokoll</b>")).toBe(true);
      seen.push(...view.items);
      const labels = view.navigation.map((c) => c.label);
      expect(labels).toEqual([...(page > 1 ? ["‹ Zurück"] : []), ...(page < first.pageCount ? ["Weiter ›"] : [])]);
      if (page < first.pageCount) expect(view.navigation.at(-1)!.action).toBe(`mod:aup:40:${page + 1}`);
    }
    expect(seen).toEqual(all.map((i) => i.value));
  });

  it("shows a short list as it was, without page line or choices", () => {
    const view = renderPage(en, { header: "Head", items: items(3, 20), page: 1, action: ACTION, keys: [3] });
    expect(view.navigation).toEqual([]);
    expect(view.html).not.toContain("Page");
    expect(view.html.split("\n")).toHaveLength(4);
  });

  it("answers a page that no longer exists with the last one and says so", () => {
    const view = renderPage(en, { header: "Head", items: items(3, 20), page: 7, action: ACTION, keys: [3] });
    expect(view.page).toBe(1);
    expect(view.clamped).toBe(true);
    expect(view.items).toEqual([0, 1, 2]);
    expect(view.html).toContain("The list has changed in the meantime; this is page 1 of 1.");
  });

  it("repeats a group's heading on every page it continues on", () => {
    const grouped = items(20, 500).map((item) => ({ ...item, group: "<b>5. Ihre Idee?</b>" }));
    for (const page of [1, 2, 3]) {
      const view = renderPage(de, { header: "Freitexte", items: grouped, page, action: ACTION, keys: [1] });
      expect(htmlToPlain(view.html).split("\n")[1]).toBe("5. Ihre Idee?");
      expect(htmlToPlain(view.html).match(/Ihre Idee/g)).toHaveLength(1);
    }
  });

  it("shortens an item too long for any page, so the page can still be sent", () => {
    const view = renderPage(de, { header: "Kopf", items: [{ html: `<b>${"y".repeat(9_000)}</b>`, value: 0 }], page: 1, action: ACTION, keys: [1] });
    expect(htmlToPlain(view.html).length).toBeLessThanOrEqual(PAGE_CHARS);
    expect(view.html.endsWith("…")).toBe(true);
  });
});

describe("shortening a resident's text", () => {
  it("keeps its start with the translated length and leaves short text whole", () => {
    expect(shortenedHtml(de, "a".repeat(2_345), 300)).toBe(`${"a".repeat(299)}… (2.345 Zeichen)`);
    expect(shortenedHtml(en, "a".repeat(2_345), 300)).toBe(`${"a".repeat(299)}… (2,345 characters)`);
    expect(shortenedHtml(de, "<b>kurz</b>", 300)).toBe("&lt;b&gt;kurz&lt;/b&gt;");
    expect(cutText("ab😀", 3)).toBe("ab…");
  });
});

describe("cutText", () => {
  it("never leaves half of an emoji, so a button label stays valid UTF-8", () => {
    const label = cutText(`${"a".repeat(22)}😀 und mehr`, 24);
    expect(label).toBe(`${"a".repeat(22)}…`);
    expect(label).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});
