import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SUPPORTED_LOCALES } from "../../src/core/model/locale.js";
import { htmlToPlain } from "../../src/core/render/plain-text.js";
import { createTranslator, loadLocaleResources } from "../../src/i18n/translator.js";

const resources = loadLocaleResources();
const keysOf = (locale: string) =>
  Object.entries(resources[locale] ?? {})
    .flatMap(([ns, entries]) => Object.keys(entries as Record<string, unknown>).map((key) => `${ns}:${key}`))
    .sort();

/** Literal keys passed to t(), say(), *Key fields and AdminError; action strings look alike but are not keys. */
const KEY_USE = /(?:\bt\(|say\(|Key:\s*|Key\s*=\s*|Error\()\s*["'`]([a-z][a-z-]*):([a-z0-9][a-z0-9-]*)["'`]/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === "generated") return [];
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/**
 * Nouns that follow a number in a text. A number before one of them must be {{count}} of a plural
 * key, or "1 Teilnahmen" / "queued for 1 subscribed chats" comes back.
 */
const COUNTED_NOUNS = [
  "Frage", "Fragen", "Teilnahme", "Teilnahmen", "Eintrag", "Einträge", "Idee", "Ideen", "Antwort", "Antworten", "Chat", "Chats",
  "Neuigkeit", "Neuigkeiten", "Person", "Personen", "Unterstützer", "Auswahlmöglichkeiten", "Umfragen", "Einwohner",
  "question", "questions", "response", "responses", "entry", "entries", "idea", "ideas", "answer", "answers", "chat", "chats",
  "news", "people", "persons", "supporter", "supporters", "choices", "surveys", "residents", "times",
];
const NOUN = COUNTED_NOUNS.join("|");
/** A placeholder other than {{count}} right before a counted noun: its number cannot pick the plural. */
// The upper end of a range ("{{min}} bis {{max}} Antworten") reads plural whatever it is.
const UNCOUNTED_NUMBER = new RegExp(`(?<!(?:bis|and|to) )\\{\\{(?!count\\}\\})(\\w+)\\}\\} +(?:abonnierte +|subscribed +)?(${NOUN})\\b`, "u");
/** The same built in code: `${n} Einträge`, `${count} entries`. */
const CONCATENATED_COUNT = new RegExp(`\\$\\{[^}]+\\} +(?:abonnierte +|subscribed +)?(${NOUN})\\b`, "u");

/** The namespaces on disk: every file of every language must be loaded and checked. */
const namespacesOnDisk = (locale: string) =>
  readdirSync(join(process.cwd(), "locales", locale))
    .filter((name) => name.endsWith(".json"))
    .map((name) => name.slice(0, -".json".length))
    .sort();

describe("locales", () => {
  it("load every namespace file of every language", () => {
    for (const locale of SUPPORTED_LOCALES) expect(Object.keys(resources[locale] ?? {}).sort(), `namespaces of ${locale}`).toEqual(namespacesOnDisk(locale));
  });

  it("never put a number other than {{count}} before a counted noun, in texts or in code", () => {
    // The detectors themselves: each catches the mistake the issue found.
    expect(UNCOUNTED_NUMBER.test("Announcement queued for {{recipients}} subscribed chats.")).toBe(true);
    expect(UNCOUNTED_NUMBER.test("{{responses}} Teilnahmen")).toBe(true);
    expect(UNCOUNTED_NUMBER.test("{{count}} Teilnahmen")).toBe(false);
    expect(UNCOUNTED_NUMBER.test("Wählen Sie {{min}} bis {{max}} Antworten")).toBe(false);
    expect(CONCATENATED_COUNT.test("`(${removed} Einträge)`")).toBe(true);
    const offending: string[] = [];
    for (const locale of SUPPORTED_LOCALES) {
      for (const [ns, entries] of Object.entries(resources[locale] ?? {})) {
        for (const [key, value] of Object.entries(entries as Record<string, string>)) {
          const match = UNCOUNTED_NUMBER.exec(value);
          if (match) offending.push(`${locale} ${ns}:${key}: {{${match[1]}}} ${match[2]}`);
        }
      }
    }
    for (const dir of ["src/core", "src/admin", "src/app"]) {
      for (const file of sourceFiles(join(process.cwd(), dir))) {
        readFileSync(file, "utf8")
          .split("\n")
          .forEach((line, index) => {
            if (!line.trim().startsWith("*") && !line.trim().startsWith("//") && CONCATENATED_COUNT.test(line)) offending.push(`${file}:${index + 1}: ${line.trim()}`);
          });
      }
    }
    expect(offending).toEqual([]);
  });

  it("say the counts the issue found wrong in the right number", async () => {
    const translator = await createTranslator();
    const t = (locale: "de" | "en", key: string, values: Record<string, string | number>) => htmlToPlain(translator.t(locale, key, values));
    const survey = { id: 3, title: "Dorf", status: "offen", closes: "31.12.2026, 18:00" };
    expect(t("de", "surveys:admin-list-item", { ...survey, count: 1 })).toContain("1 Teilnahme,");
    expect(t("de", "surveys:admin-list-item", { ...survey, count: 2 })).toContain("2 Teilnahmen,");
    expect(t("de", "surveys:results-title", { title: "Dorf", count: 1 })).toMatch(/\n1 Teilnahme$/);
    expect(t("de", "surveys:results-answered", { count: 1 })).toBe("1 Person hat diese Frage beantwortet.");
    expect(t("en", "surveys:admin-opened", { id: 3, title: "Village", count: 1 })).toContain("queued for 1 subscribed chat.");
    expect(t("de", "admin:role-revoked", { role: "admin", identity: "console:anna", count: 1 })).toContain("(1 Eintrag)");
    expect(t("de", "ideas:queue-heading", { count: 1, range: "1" })).toBe("Eine Idee wartet auf Moderation.");
    expect(t("de", "ideas:queue-heading-part", { count: 11, range: "11" })).toBe("11 Ideen warten auf Moderation, die ältesten zuerst; hier Nr. 11.");
    expect(t("de", "initiatives:mod-card", { id: 1, area: "Hammah", author: "#4" })).toMatch(/^Neuigkeit Nr\. 1 wartet auf Freigabe/);
  });


  it("have the same keys in every language", () => {
    const german = keysOf("de");
    for (const locale of SUPPORTED_LOCALES) expect(keysOf(locale), `keys of ${locale}`).toEqual(german);
  });

  it("have no empty texts and balanced placeholders", () => {
    for (const locale of SUPPORTED_LOCALES) {
      for (const [ns, entries] of Object.entries(resources[locale] ?? {})) {
        for (const [key, value] of Object.entries(entries as Record<string, string>)) {
          expect(value.trim(), `${locale} ${ns}:${key}`).not.toBe("");
          const german = (resources["de"]?.[ns] as Record<string, string>)[key] ?? "";
          const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
          expect(placeholders(value), `${locale} ${ns}:${key}`).toEqual(placeholders(german));
        }
      }
    }
  });

  it("give every text with a {{count}} its plural forms, and render each with 0, 1, 2 and 5", async () => {
    const translator = await createTranslator();
    for (const locale of SUPPORTED_LOCALES) {
      for (const [ns, entries] of Object.entries(resources[locale] ?? {})) {
        const keys = Object.keys(entries as Record<string, string>);
        for (const key of keys) {
          const text = (entries as Record<string, string>)[key]!;
          if (text.includes("{{count}}")) expect(key, `${locale} ${ns}:${key} counts, so it needs _one/_other`).toMatch(/_(one|other|zero|two|few|many)$/);
          if (!key.endsWith("_other")) continue;
          const base = key.slice(0, -"_other".length);
          expect(keys, `${locale} ${ns}:${base} has _other but no _one`).toContain(`${base}_one`);
          // Every other placeholder gets a value too: nothing of the template may be left in the text.
          const others = Object.fromEntries([...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => [m[1]!, "x"]));
          for (const count of [0, 1, 2, 5]) {
            const rendered = translator.t(locale, `${ns}:${base}`, { ...others, count });
            expect(rendered, `${locale} ${ns}:${base} with ${count}`).not.toMatch(/\{\{|\}\}|_other|_one/);
            // The form i18next picks shows the number, unless it writes it out ("eine Idee").
            const form = (entries as Record<string, string>)[`${base}_${new Intl.PluralRules(locale).select(count)}`] ?? text;
            if (form.includes("{{count}}")) expect(rendered, `${locale} ${ns}:${base} with ${count}`).toContain(String(count));
          }
        }
      }
    }
  });

  it("contain every literal key the source code uses", () => {
    const known = new Set(keysOf("de"));
    const namespaces = new Set(Object.keys(resources["de"] ?? {}));
    const missing: string[] = [];
    for (const file of sourceFiles(join(process.cwd(), "src"))) {
      for (const match of readFileSync(file, "utf8").matchAll(KEY_USE)) {
        const key = `${match[1]}:${match[2]}`;
        // A plural key is used without its suffix; i18next picks `_one` / `_other` by the count.
        const plural = known.has(`${key}_one`) && known.has(`${key}_other`);
        if (namespaces.has(match[1]!) && !known.has(key) && !plural) missing.push(`${key} (${file})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("reports no missing key while translating every known key", async () => {
    const missing: string[] = [];
    const translator = await createTranslator({ onMissingKey: (lng, key) => missing.push(`${lng}:${key}`) });
    for (const key of keysOf("de")) for (const locale of SUPPORTED_LOCALES) translator.t(locale, key);
    expect(missing).toEqual([]);
  });

  it("escapes interpolated values", async () => {
    const translator = await createTranslator();
    expect(translator.t("de", "settings:area-changed", { area: "<script>" })).toContain("&lt;script&gt;");
  });
});
