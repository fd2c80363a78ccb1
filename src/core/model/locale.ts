/** Languages mitreden speaks. German is the default; English is complete too. */
export const SUPPORTED_LOCALES = ["de", "en"] as const;

/**
 * A supported language code.
 *
 * @example
 * const locale: Locale = "de";
 */
export type Locale = (typeof SUPPORTED_LOCALES)[number];

export const DEFAULT_LOCALE: Locale = "de";

/** Maps a platform hint such as Telegram's "en-GB" to a supported locale, or undefined. */
export function matchLocale(hint: string | null | undefined): Locale | undefined {
  if (!hint) return undefined;
  const base = hint.toLowerCase().split(/[-_]/)[0];
  return SUPPORTED_LOCALES.find((l) => l === base);
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}
