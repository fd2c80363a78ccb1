import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";
import { compareWithCatalogue, parsePrivacyDoc, type CatalogueColumn, type ParsedPrivacyDoc } from "./privacy-doc.js";

const docPath = fileURLToPath(new URL("../../docs/privacy.md", import.meta.url));

/** Prisma's own bookkeeping of applied migrations (src/storage/migrations.ts); it holds nothing of anyone. */
const MIGRATION_TABLE = "_prisma_migrations";

let t: TestDatabase;
let catalogue: CatalogueColumn[];
let doc: ParsedPrivacyDoc;

beforeAll(async () => {
  t = await createTestDatabase();
  // Read from the migrated database's catalogue, not the Prisma schema: a table added by a
  // migration alone, or a column Prisma does not model, cannot be forgotten either.
  catalogue = await t.db.prisma.$queryRaw<CatalogueColumn[]>`SELECT table_name AS "table", column_name AS "column"
    FROM information_schema.columns
    WHERE table_schema = 'public' AND table_name <> ${MIGRATION_TABLE}
    ORDER BY table_name, ordinal_position`;
  doc = parsePrivacyDoc(readFileSync(docPath, "utf8"));
});
afterAll(async () => t.dispose());

describe("docs/privacy.md, the record of processing", () => {
  it("reads a real catalogue", () => {
    // Guards the query itself: an empty or wrongly filtered result would make every check below pass.
    const tables = new Set(catalogue.map((c) => c.table));
    expect(tables.has("Resident")).toBe(true);
    expect(tables.has("SurveyResponse")).toBe(true);
    expect(tables.has(MIGRATION_TABLE)).toBe(false);
    expect(tables.size).toBeGreaterThan(30);
  });

  it("keeps to its format contract", () => {
    expect(doc.problems).toEqual([]);
    expect(doc.tables.size).toBeGreaterThan(30);
  });

  it("documents every table and column of the database", () => {
    expect(compareWithCatalogue(doc, catalogue).undocumented).toEqual([]);
  });

  it("documents no table or column the database does not have", () => {
    expect(compareWithCatalogue(doc, catalogue).nonexistent).toEqual([]);
  });
});

describe("the comparison", () => {
  const section = (table: string, columns: string[]) =>
    [
      `### ${table}`,
      "",
      "| Column | What it holds | Purpose | Legal basis | Kept for | Deleted by |",
      "|---|---|---|---|---|---|",
      ...columns.map((c) => `| \`${c}\` | a | b | c | d | e |`),
      "",
    ].join("\n");
  const database: CatalogueColumn[] = [
    { table: "Resident", column: "id" },
    { table: "Resident", column: "locale" },
    { table: "Identity", column: "id" },
  ];

  it("names a missing column, a missing table and a documented one that does not exist", () => {
    const parsed = parsePrivacyDoc(["# Doc", "### Access (Art. 15)", "prose", section("Resident", ["id", "homeAreaId"])].join("\n"));
    expect(parsed.problems).toEqual([]);
    expect(compareWithCatalogue(parsed, database)).toEqual({
      undocumented: ["table Identity (no section \"### Identity\")", "column Resident.locale"],
      nonexistent: ["column Resident.homeAreaId"],
    });
  });

  it("passes when both agree", () => {
    const parsed = parsePrivacyDoc([section("Resident", ["id", "locale"]), section("Identity", ["id"])].join("\n"));
    expect(compareWithCatalogue(parsed, database)).toEqual({ undocumented: [], nonexistent: [] });
  });

  it("refuses rows and sections that break the contract", () => {
    const parsed = parsePrivacyDoc(
      [
        "### Resident",
        "| Column | What it holds | Purpose | Legal basis | Kept for | Deleted by |",
        "|---|---|---|---|---|---|",
        "| id | a | b | c | d | e |",
        "| `locale` | a | b \\| c | c | d | e |",
        "| `locale` | a | b | c | d |",
        "### Identity",
        "no table here",
      ].join("\n"),
    );
    expect(parsed.problems).toEqual([
      'line 4: table Resident: the first cell must be one column name in backticks, found "id"',
      "line 6: Resident.locale has 5 cells, not 6",
      "line 6: Resident.locale is documented twice",
      'line 7: table Identity has no table with the header "| Column | What it holds | Purpose | Legal basis | Kept for | Deleted by |"',
    ]);
  });
});
