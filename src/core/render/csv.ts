/**
 * CSV as German spreadsheet programs open it (survey and audit exports, result files): UTF-8 with a byte-order mark (without it Excel reads
 * the file as Windows-1252 and garbles umlauts) and ";" between cells (with "," Excel in a German
 * locale shows one column). `--delimiter ","` or `--delimiter tab` switches for other tools.
 */

/** The cell separators the admin CLI accepts. */
export type CsvDelimiter = ";" | "," | "\t";

export const DEFAULT_CSV_DELIMITER: CsvDelimiter = ";";

/** The UTF-8 byte-order mark, as the string's first character (EF BB BF once encoded). */
export const BOM = "\uFEFF";

/**
 * Reads `--delimiter`: ";" (default), ",", "tab" or a tab character; undefined for anything else.
 *
 * @example
 * parseCsvDelimiter("tab"); // "\t"
 */
export function parseCsvDelimiter(value: string | undefined): CsvDelimiter | undefined {
  if (value === undefined) return DEFAULT_CSV_DELIMITER;
  const v = value.trim().toLowerCase();
  if (v === ";" || v === "semicolon") return ";";
  if (v === "," || v === "comma") return ",";
  if (v === "tab" || v === "\\t" || value === "\t") return "\t";
  return undefined;
}

/**
 * One cell: quoted (RFC 4180) when it holds the delimiter, a quote or a line break; a text a
 * spreadsheet would run as a formula (=, +, -, @ at the start) gets a leading ' (plain numbers
 * such as -3 stay as they are).
 */
export function csvCell(value: string, delimiter: CsvDelimiter): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d+([.,]\d+)?$/.test(value) ? `'${value}` : value;
  return safe.includes(delimiter) || /["\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * Rows as a CSV file's text: the byte-order mark, then one line per row ended by CRLF.
 *
 * @example
 * toCsv([["Dorf", "Anzahl"], ["Hammah", "3"]]); // "\uFEFFDorf;Anzahl\r\nHammah;3\r\n"
 */
export function toCsv(rows: readonly (readonly string[])[], delimiter: CsvDelimiter = DEFAULT_CSV_DELIMITER): string {
  return BOM + rows.map((row) => row.map((cell) => csvCell(cell, delimiter)).join(delimiter)).join("\r\n") + "\r\n";
}
