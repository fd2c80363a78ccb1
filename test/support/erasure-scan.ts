/**
 * Looks for what is left of an erased resident anywhere in the database. The tables and columns
 * come from the database catalogue (information_schema), not from a list in the test, so a table
 * or column added later is searched too. What may stay is read from docs/privacy.md, section
 * "## What stays after an erasure" (its first column: `Table.column`).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { PrismaClient } from "../../src/storage/generated/prisma/client.js";

const PRIVACY_DOC = fileURLToPath(new URL("../../docs/privacy.md", import.meta.url));
export const KEPT_HEADING = "## What stays after an erasure";

/** The `Table.column` cells of the kept table in docs/privacy.md. */
export function keptAfterErasure(markdown = readFileSync(PRIVACY_DOC, "utf8")): Set<string> {
  const start = markdown.split("\n").findIndex((line) => line.trim() === KEPT_HEADING);
  if (start < 0) throw new Error(`docs/privacy.md has no section "${KEPT_HEADING}"`);
  const kept = new Set<string>();
  for (const line of markdown.split("\n").slice(start + 1)) {
    if (/^#{1,2} /.test(line)) break;
    const cell = /^\|\s*`([A-Za-z_]+\.[A-Za-z_]+)`\s*\|/.exec(line);
    if (cell) kept.add(cell[1]!);
  }
  return kept;
}

/** What identified the resident before the erasure. */
export interface ResidentTraces {
  readonly residentId: number;
  /** Identity ids, display names, Matrix user and room ids, the terminal's chat: searched as substrings. */
  readonly texts: readonly string[];
  /** Numeric platform ids (Telegram user ids): searched as whole numbers. */
  readonly numbers: readonly string[];
}

export interface CatalogueColumn {
  readonly table: string;
  readonly column: string;
  readonly dataType: string;
}

/** Every column of every table mitreden's migrations created. */
export async function catalogueColumns(prisma: PrismaClient): Promise<CatalogueColumn[]> {
  const rows = await prisma.$queryRawUnsafe<{ table: string; column: string; dataType: string }[]>(
    `SELECT c.table_name AS "table", c.column_name AS "column", c.data_type AS "dataType"
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.table_name <> '_prisma_migrations'
      ORDER BY c.table_name, c.ordinal_position`,
  );
  return rows;
}

const TEXT_TYPES = new Set(["text", "character varying", "character", "json", "jsonb"]);
const INTEGER_TYPES = new Set(["integer", "bigint", "smallint"]);

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Integer columns that hold resident ids: foreign keys to "Resident" and plain ids named after
 * residents (residentId, authorResidentId, ownerResidentId, …), found in the catalogue.
 */
async function residentColumns(prisma: PrismaClient, columns: readonly CatalogueColumn[]): Promise<CatalogueColumn[]> {
  const foreign = await prisma.$queryRawUnsafe<{ table: string; column: string }[]>(
    `SELECT kcu.table_name AS "table", kcu.column_name AS "column"
       FROM information_schema.table_constraints tc
       JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
       JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema
      WHERE tc.constraint_type = 'FOREIGN KEY' AND ccu.table_name = 'Resident' AND tc.table_schema = current_schema()`,
  );
  const isForeign = new Set(foreign.map((f) => `${f.table}.${f.column}`));
  return columns.filter(
    (c) => INTEGER_TYPES.has(c.dataType) && (isForeign.has(`${c.table}.${c.column}`) || /resident/i.test(c.column) || (c.table === "Resident" && c.column === "id")),
  );
}

/** One place where something of the resident was found. */
export interface Trace {
  readonly where: string;
  readonly found: string;
  readonly value: string;
}

/**
 * Every trace of the resident in a column not listed as kept. Also returns the columns it read,
 * so a test can check the scan saw the tables it should.
 */
export async function scanForResident(prisma: PrismaClient, traces: ResidentTraces, kept = keptAfterErasure()): Promise<{ traces: Trace[]; textColumns: string[]; residentColumns: string[] }> {
  const columns = await catalogueColumns(prisma);
  const known = new Set(columns.map((c) => `${c.table}.${c.column}`));
  const unknownKept = [...kept].filter((k) => !known.has(k));
  if (unknownKept.length > 0) throw new Error(`docs/privacy.md lists columns the database does not have: ${unknownKept.join(", ")}`);
  const found: Trace[] = [];

  const idColumns = await residentColumns(prisma, columns);
  for (const c of idColumns) {
    const rows = await prisma.$queryRawUnsafe<{ n: bigint | number }[]>(`SELECT count(*) AS n FROM ${quote(c.table)} WHERE ${quote(c.column)} = $1`, traces.residentId);
    if (Number(rows[0]?.n ?? 0) > 0) found.push({ where: `${c.table}.${c.column}`, found: `resident id ${traces.residentId}`, value: String(traces.residentId) });
  }
  // The audit log names targets by type and id: a "resident" target is a resident reference too.
  const audit = await prisma.auditLog.findMany({ where: { targetType: "resident", targetId: String(traces.residentId) } });
  for (const row of audit) found.push({ where: "AuditLog.targetId", found: `resident id ${traces.residentId}`, value: `${row.action} ${row.targetId}` });

  const numberPatterns = traces.numbers.map((n) => ({ n, pattern: new RegExp(`(?<![0-9])${n}(?![0-9])`) }));
  const textColumns = columns.filter((c) => TEXT_TYPES.has(c.dataType));
  for (const c of textColumns) {
    const where = `${c.table}.${c.column}`;
    const rows = await prisma.$queryRawUnsafe<{ v: string }[]>(`SELECT ${quote(c.column)}::text AS v FROM ${quote(c.table)} WHERE ${quote(c.column)} IS NOT NULL`);
    for (const { v } of rows) {
      for (const text of traces.texts) if (v.includes(text)) found.push({ where, found: text, value: v.slice(0, 200) });
      for (const { n, pattern } of numberPatterns) if (pattern.test(v)) found.push({ where, found: n, value: v.slice(0, 200) });
    }
  }
  return {
    // The old resident id is never allowed, not even in a kept column.
    traces: found.filter((t) => !kept.has(t.where) || t.found.startsWith("resident id")),
    textColumns: textColumns.map((c) => `${c.table}.${c.column}`),
    residentColumns: idColumns.map((c) => `${c.table}.${c.column}`),
  };
}
