/**
 * Reads the record of processing in docs/privacy.md by its format contract and compares it with
 * the tables and columns of a migrated database.
 *
 * The contract: one section per table, a heading line exactly `### <TableName>`, followed by a
 * markdown table with the header `Column | What it holds | Purpose | Legal basis | Kept for |
 * Deleted by`, whose first cell names one column in backticks. Other `###` headings of the document
 * (words with spaces or punctuation, e.g. "### Access (Art. 15)") are prose, not tables.
 */

/** The header every table section carries, cell by cell. */
export const TABLE_HEADER = ["Column", "What it holds", "Purpose", "Legal basis", "Kept for", "Deleted by"] as const;

/** A heading that names a database table: a bare identifier, as PostgreSQL and Prisma spell them. */
const TABLE_HEADING = /^### ([A-Za-z_][A-Za-z0-9_]*)\s*$/;

/**
 * What the document says: table → its documented columns, and every place the format was broken.
 *
 * @example
 * const parsed = parsePrivacyDoc(readFileSync("docs/privacy.md", "utf8"));
 * parsed.tables.get("Resident"); // Set { "id", "locale", … }
 */
export interface ParsedPrivacyDoc {
  readonly tables: ReadonlyMap<string, ReadonlySet<string>>;
  /** One line per broken rule, naming the line number: a missing header, a row without a column, a duplicate. */
  readonly problems: readonly string[];
}

/** The cells of a markdown table row, trimmed; undefined for a line that is no table row. */
function cells(line: string): string[] | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith("|")) return undefined;
  // Markdown writes a literal pipe inside a cell as `\|`; only the others separate cells.
  const inner = trimmed.replace(/^\|/, "").replace(/(?<!\\)\|$/, "");
  return inner.split(/(?<!\\)\|/).map((cell) => cell.trim());
}

const isSeparator = (row: readonly string[]) => row.every((cell) => /^:?-{3,}:?$/.test(cell));

export function parsePrivacyDoc(markdown: string): ParsedPrivacyDoc {
  const lines = markdown.split(/\r?\n/);
  const tables = new Map<string, Set<string>>();
  const problems: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const heading = TABLE_HEADING.exec(lines[i]!);
    if (!heading) continue;
    const table = heading[1]!;
    if (tables.has(table)) problems.push(`line ${i + 1}: table ${table} has a second section`);
    const columns = tables.get(table) ?? new Set<string>();
    tables.set(table, columns);
    // The section runs to the next heading of any level.
    let end = i + 1;
    while (end < lines.length && !/^#{1,6} /.test(lines[end]!)) end++;
    const rows: { line: number; cells: string[] }[] = [];
    for (let j = i + 1; j < end; j++) {
      const row = cells(lines[j]!);
      if (row) rows.push({ line: j + 1, cells: row });
    }
    const [header, separator, ...body] = rows;
    if (!header || header.cells.join(" | ") !== TABLE_HEADER.join(" | ")) {
      problems.push(`line ${i + 1}: table ${table} has no table with the header "| ${TABLE_HEADER.join(" | ")} |"`);
      i = end - 1;
      continue;
    }
    if (!separator || !isSeparator(separator.cells)) problems.push(`line ${header.line}: table ${table}: the header is not followed by a separator row`);
    for (const row of body) {
      const name = /^`([^`]+)`$/.exec(row.cells[0] ?? "")?.[1];
      if (!name) {
        problems.push(`line ${row.line}: table ${table}: the first cell must be one column name in backticks, found "${row.cells[0] ?? ""}"`);
        continue;
      }
      if (row.cells.length !== TABLE_HEADER.length) {
        problems.push(`line ${row.line}: ${table}.${name} has ${row.cells.length} cells, not ${TABLE_HEADER.length}`);
      }
      if (row.cells.some((cell) => cell === "")) problems.push(`line ${row.line}: ${table}.${name} has an empty cell`);
      if (columns.has(name)) problems.push(`line ${row.line}: ${table}.${name} is documented twice`);
      columns.add(name);
    }
    i = end - 1;
  }
  return { tables, problems };
}

/** One column of the database catalogue. */
export interface CatalogueColumn {
  readonly table: string;
  readonly column: string;
}

/**
 * The differences both ways, as readable lines: what the database has and the document lacks,
 * and what the document names that the database does not have.
 */
export function compareWithCatalogue(
  doc: ParsedPrivacyDoc,
  catalogue: readonly CatalogueColumn[],
): { undocumented: string[]; nonexistent: string[] } {
  const actual = new Map<string, Set<string>>();
  for (const { table, column } of catalogue) {
    const columns = actual.get(table) ?? new Set<string>();
    columns.add(column);
    actual.set(table, columns);
  }
  const undocumented: string[] = [];
  const nonexistent: string[] = [];
  for (const [table, columns] of [...actual].sort(([a], [b]) => a.localeCompare(b))) {
    const documented = doc.tables.get(table);
    if (!documented) {
      undocumented.push(`table ${table} (no section "### ${table}")`);
      continue;
    }
    for (const column of [...columns].sort()) if (!documented.has(column)) undocumented.push(`column ${table}.${column}`);
  }
  for (const [table, columns] of [...doc.tables].sort(([a], [b]) => a.localeCompare(b))) {
    const existing = actual.get(table);
    if (!existing) {
      nonexistent.push(`table ${table}`);
      continue;
    }
    for (const column of [...columns].sort()) if (!existing.has(column)) nonexistent.push(`column ${table}.${column}`);
  }
  return { undocumented, nonexistent };
}
