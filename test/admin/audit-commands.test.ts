import { describe, expect, it } from "vitest";
import { exportAuditLog, type AuditLogReader } from "../../src/admin/audit-commands.js";
import type { AuditEntry } from "../../src/core/features/ideas/idea-model.js";
import { parseCsv, withoutBom } from "../support/parse-csv.js";

function reader(count: number, reason: (i: number) => string | null = () => null): AuditLogReader {
  const entries: AuditEntry[] = Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    actor: { identity: "telegram:1", name: "Maria" },
    action: "idea.reject",
    targetType: "idea",
    targetId: String(i + 1),
    reason: reason(i),
    createdAt: new Date(Date.UTC(2026, 10, 27, 9, 0, i % 60)),
  }));
  return { page: async (afterId, limit) => entries.filter((e) => e.id > afterId).slice(0, limit) };
}

describe("exportAuditLog", () => {
  it("quotes commas, quotes and line breaks, and defuses spreadsheet formulas", async () => {
    const reasons = ['Zu "laut", bitte', "zwei\nZeilen", "=HYPERLINK(1)", null];
    const csv = await exportAuditLog(reader(4, (i) => reasons[i] ?? null), "csv", { delimiter: "," });
    const rows = csv.split("\r\n");
    expect(rows[1]).toMatch(/,"Zu ""laut"", bitte"$/);
    expect(csv).toContain('"zwei\nZeilen"');
    expect(rows.find((r) => r.includes("HYPERLINK"))).toMatch(/,'=HYPERLINK\(1\)$/);
    expect(rows.at(-2)).toMatch(/,$/);
  });

  it("is UTF-8 with a byte-order mark and ';' by default, and parses back whatever the delimiter", async () => {
    const reasons = ["Lärm; Müll", 'Zu "laut", bitte', "zwei\nZeilen", null];
    const expected = ["Lärm; Müll", 'Zu "laut", bitte', "zwei\nZeilen", ""];
    const bytes = new TextEncoder().encode(await exportAuditLog(reader(4, (i) => reasons[i] ?? null), "csv"));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(withoutBom(bytes).split("\r\n")[0]).toBe("id;createdAt;actorIdentity;actorName;action;targetType;targetId;reason");
    for (const delimiter of [";", ",", "\t"] as const) {
      const text = withoutBom(new TextEncoder().encode(await exportAuditLog(reader(4, (i) => reasons[i] ?? null), "csv", { delimiter })));
      const rows = parseCsv(text, delimiter);
      expect(rows).toHaveLength(5);
      expect(rows.slice(1).map((r) => r.at(-1))).toEqual(expected);
    }
  });

  it("reads every page", async () => {
    const json = JSON.parse(await exportAuditLog(reader(2500), "json")) as { id: string }[];
    expect(json).toHaveLength(2500);
    expect(json.at(-1)!.id).toBe("2500");
  });
});
