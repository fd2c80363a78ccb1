import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/storage/database.js";
import { admin } from "../support/admin-cli.js";

const dataDir = mkdtempSync(join(tmpdir(), "mitreden-admin-delete-"));
const saved = { ...process.env };

beforeAll(() => {
  // The embedded database in a temp folder, as an operator's `npm run admin` would open it.
  Object.assign(process.env, { MITREDEN_DATA_DIR: dataDir, DATABASE_URL: "", MITREDEN_LOCALE: "en", LOG_LEVEL: "silent" });
  delete process.env["ERASURE_CONTRIBUTIONS"];
});
afterAll(() => {
  process.env = saved;
  rmSync(dataDir, { recursive: true, force: true });
});

async function withDatabase<T>(work: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const db = await openDatabase({ dataDir, logger: pino({ level: "silent" }) });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

describe("npm run admin -- resident delete", () => {
  it("previews without --confirm, erases with it, and the audit log keeps the act without the person", async () => {
    const id = await withDatabase(async (db) => {
      const resident = await db.prisma.resident.create({ data: { identities: { create: { id: "telegram:4242001", channel: "telegram", displayName: "Hanna Probe", privateChatId: "4242001" } } } });
      await db.prisma.idea.create({ data: { title: "Ein Brunnen", description: "Am Markt.", category: "other", authorId: resident.id } });
      return resident.id;
    });

    const preview = await admin("resident", "delete", String(id));
    expect(preview.code).toBe(0);
    expect(preview.out).toContain("Identity  1");
    expect(preview.out).toContain("Preview only");
    expect(await withDatabase((db) => db.prisma.resident.count({ where: { id } }))).toBe(1);

    const erased = await admin("resident", "delete", String(id), "--confirm");
    expect(erased.code).toBe(0);
    const reference = /reference (E-[0-9a-f]{12})/.exec(erased.out)?.[1];
    expect(reference).toBeDefined();
    await withDatabase(async (db) => {
      expect(await db.prisma.resident.count({ where: { id } })).toBe(0);
      expect(await db.prisma.idea.findFirstOrThrow()).toMatchObject({ authorId: null, title: "Ein Brunnen" });
    });

    const audit = await admin("audit", "export", "--format", "json");
    const entries = JSON.parse(audit.out) as { action: string; targetId: string; actorIdentity: string }[];
    const entry = entries.find((e) => e.action === "resident.erase");
    expect(entry).toMatchObject({ targetId: reference });
    expect(entry!.actorIdentity).toMatch(/^cli:/);
    expect(audit.out).not.toContain("4242001");
    expect(audit.out).not.toContain("Hanna Probe");

    expect((await admin("resident", "delete", String(id), "--confirm")).err).toContain(`no resident ${id}`);
    expect((await admin("resident", "delete")).out).toContain("resident delete ID [--confirm]");
  });
});
