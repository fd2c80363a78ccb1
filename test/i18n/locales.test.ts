import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SUPPORTED_LOCALES } from "../../src/core/model/locale.js";
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

describe("locales", () => {
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
          for (const count of [0, 1, 2, 5]) expect(translator.t(locale, `${ns}:${base}`, { count }), `${locale} ${ns}:${base} with ${count}`).not.toMatch(/\{\{count\}\}|_other|_one/);
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
