import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import i18next, { type i18n, type Resource } from "i18next";
import { DEFAULT_LOCALE, SUPPORTED_LOCALES, type Locale } from "../core/model/locale.js";
import type { Translator } from "../core/ports/translator.js";
import { escapeHtml } from "../core/render/plain-text.js";

export const LOCALES_DIR = fileURLToPath(new URL("../../locales", import.meta.url));

/** Reads locales/<lng>/<namespace>.json for every supported language. */
export function loadLocaleResources(dir = LOCALES_DIR): Resource {
  const resources: Resource = {};
  for (const locale of SUPPORTED_LOCALES) {
    const namespaces: Record<string, Record<string, unknown>> = {};
    for (const file of readdirSync(join(dir, locale)).filter((f) => f.endsWith(".json"))) {
      namespaces[basename(file, ".json")] = JSON.parse(readFileSync(join(dir, locale, file), "utf8")) as Record<string, unknown>;
    }
    resources[locale] = namespaces;
  }
  return resources;
}

/** Reports a key that is missing in a language; a test makes sure this never happens. */
export type MissingKeyHandler = (locale: string, key: string) => void;

/**
 * An i18next-backed translator. Interpolated values are HTML-escaped, because messages are in the
 * core's HTML subset and values are often written by residents.
 */
export async function createTranslator(options: { dir?: string; onMissingKey?: MissingKeyHandler } = {}): Promise<Translator & { readonly i18n: i18n }> {
  const instance = i18next.createInstance();
  const resources = loadLocaleResources(options.dir);
  await instance.init({
    resources,
    lng: DEFAULT_LOCALE,
    fallbackLng: DEFAULT_LOCALE,
    supportedLngs: [...SUPPORTED_LOCALES],
    ns: Object.keys(resources[DEFAULT_LOCALE] ?? {}),
    defaultNS: "common",
    nsSeparator: ":",
    keySeparator: false,
    returnNull: false,
    saveMissing: Boolean(options.onMissingKey),
    missingKeyHandler: options.onMissingKey
      ? (lngs, _ns, key) => options.onMissingKey?.(lngs.join(","), key)
      : false,
    interpolation: {
      escapeValue: true,
      escape: (value: unknown) => escapeHtml(String(value)),
    },
  });
  return {
    i18n: instance,
    t(locale: Locale, key: string, values?: Readonly<Record<string, unknown>>) {
      return instance.t(key, { lng: locale, ...(values ?? {}) }) as string;
    },
  };
}
