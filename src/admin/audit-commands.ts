import type { AuditEntry } from "../core/features/ideas/idea-model.js";
import { DEFAULT_CSV_DELIMITER, toCsv, type CsvDelimiter } from "../core/render/csv.js";

/** Reads the audit log oldest first, page by page (createAuditStore(access) provides it). */
export interface AuditLogReader {
  page(afterId: number, limit: number): Promise<AuditEntry[]>;
}

export type AuditExportFormat = "csv" | "json";

const PAGE = 1000;
const COLUMNS = ["id", "createdAt", "actorIdentity", "actorName", "action", "targetType", "targetId", "reason"] as const;


function flat(entry: AuditEntry): Record<(typeof COLUMNS)[number], string> {
  return {
    id: String(entry.id),
    createdAt: entry.createdAt.toISOString(),
    actorIdentity: entry.actor.identity,
    actorName: entry.actor.name,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    reason: entry.reason ?? "",
  };
}

/**
 * The whole audit log as CSV (header row, one line per entry) or JSON (an array), oldest first,
 * for `mitreden admin audit export --format csv|json [--delimiter ";"|","|tab]` (CSV with byte-order mark, see csv.ts).
 *
 * @example
 * const csv = await exportAuditLog(createAuditStore(access), "csv");
 */
export async function exportAuditLog(reader: AuditLogReader, format: AuditExportFormat, options: { readonly delimiter?: CsvDelimiter } = {}): Promise<string> {
  const entries: AuditEntry[] = [];
  for (let after = 0, rounds = 0; rounds < 1_000_000; rounds += 1) {
    const page = await reader.page(after, PAGE);
    entries.push(...page);
    if (page.length < PAGE) break;
    after = page.at(-1)!.id;
  }
  if (format === "json") return `${JSON.stringify(entries.map(flat), null, 2)}\n`;
  return toCsv([[...COLUMNS], ...entries.map((e) => COLUMNS.map((c) => flat(e)[c]))], options.delimiter ?? DEFAULT_CSV_DELIMITER);
}
