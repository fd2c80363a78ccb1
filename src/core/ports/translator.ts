import type { Locale } from "../model/locale.js";

/** Values interpolated into a translation; strings are HTML-escaped by the translator. */
export type TranslationValues = Readonly<Record<string, string | number | Date | null | undefined>>;

/** Turns an i18n key ("settings:title") into text in one language. */
export interface Translator {
  t(locale: Locale, key: string, values?: TranslationValues): string;
}
