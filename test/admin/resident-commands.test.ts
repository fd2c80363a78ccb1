/**
 * The office's resident tools: find by resident id, identity or part of a name, show a summary,
 * export everything as the same JSON a resident gets with /mydata, each act in the audit log in
 * plain words (whom, by which OS user; never the text searched for). The functions run on PGlite
 * and PostgreSQL; the command line itself on its embedded database, as `npm run admin` does.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminError } from "../../src/admin/admin-error.js";
import { exportResident, findResidents, residentIdOf, showResident } from "../../src/admin/resident-commands.js";
import { openDatabase } from "../../src/storage/database.js";
import { seedExampleIfEmpty } from "../../src/storage/seed-example.js";
import { admin } from "../support/admin-cli.js";
import { seedResidentData, type SeededResidentData } from "../support/seed-resident-data.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

const actor = { identity: "cli:sachbearbeiterin" };
const now = new Date("2026-11-27T09:00:00Z");

describe("resident commands", () => {
  let testDb: TestDatabase;
  let seeded: SeededResidentData;
  let otherId: number;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    const prisma = testDb.db.prisma;
    await seedExampleIfEmpty(prisma);
    const resident = await prisma.resident.create({ data: { identities: { create: { id: "telegram:4711", channel: "telegram", privateChatId: "4711" } } } });
    seeded = await seedResidentData(prisma, resident.id, "telegram:4711", "d4e5f6");
    otherId = (await prisma.resident.create({ data: { identities: { create: { id: "telegram:4712", channel: "telegram", displayName: "Annabell Fremd" } } } })).id;
  });
  afterAll(async () => testDb?.dispose());

  const auditOf = (action: string) => testDb.db.prisma.auditLog.findMany({ where: { action }, orderBy: { id: "asc" } });

  it("reads resident ids as typed", () => {
    expect(residentIdOf("7")).toBe(7);
    expect(residentIdOf("#7")).toBe(7);
    expect(residentIdOf("7a")).toBeUndefined();
    expect(residentIdOf(undefined)).toBeUndefined();
  });

  it("finds a resident by id, by identity in either spelling and by part of a name in any case", async () => {
    const prisma = testDb.db.prisma;
    expect((await findResidents(prisma, String(seeded.residentId), actor)).map((r) => [r.id, r.matchedBy])).toEqual([[seeded.residentId, ["resident-id"]]]);
    expect((await findResidents(prisma, "telegram:4711", actor)).map((r) => r.id)).toEqual([seeded.residentId]);
    const matrixUser = seeded.matrixIdentity.replace(/^matrix:/, "");
    expect((await findResidents(prisma, matrixUser, actor)).map((r) => [r.id, r.matchedBy])).toEqual([[seeded.residentId, ["identity"]]]);
    const byName = await findResidents(prisma, "anna", actor);
    expect(byName.map((r) => r.id)).toEqual([seeded.residentId, otherId]);
    expect(byName[0]).toMatchObject({ language: "en", village: "Hammah", matchedBy: ["name"] });
    expect(byName[0]!.identities.map((i) => i.id)).toEqual(["telegram:4711", seeded.matrixIdentity]);
  });

  it("records whom a search found and that one found nobody, never what was typed", async () => {
    const before = (await auditOf("resident.find")).length;
    expect(await findResidents(testDb.db.prisma, "Niemand Unbekannt", actor)).toEqual([]);
    await findResidents(testDb.db.prisma, "Annabell", actor);
    const entries = (await auditOf("resident.find")).slice(before);
    expect(entries.map((e) => [e.targetType, e.targetId, e.actorIdentity])).toEqual([
      ["resident", "none", "cli:sachbearbeiterin"],
      ["resident", String(otherId), "cli:sachbearbeiterin"],
    ]);
    expect(entries[0]!.actorName).toBe("admin command line (OS user sachbearbeiterin)");
    expect(entries[1]!.reason).toBe("found by a search on the admin command line");
    expect(JSON.stringify(entries)).not.toContain("Niemand");
    expect(JSON.stringify(entries)).not.toContain("Annabell");
  });

  it("shows the stored data and records it", async () => {
    const data = await showResident(testDb.db.prisma, `#${seeded.residentId}`, actor, now);
    expect(data.ideas).toHaveLength(1);
    const [entry] = (await auditOf("resident.show")).slice(-1);
    expect(entry).toMatchObject({ targetType: "resident", targetId: String(seeded.residentId), reason: "summary of the stored data shown on the admin command line" });
  });

  it("exports the same document a resident gets, with every photo, and records where it went after writing it", async () => {
    let written = "";
    const result = await exportResident(testDb.db.prisma, String(seeded.residentId), actor, now, async (json) => {
      written = json;
      return "/tmp/anfrage-7.json";
    });
    const data = JSON.parse(written) as { version: number; ideas: { title: string }[]; photos: { base64: string | null }[]; auditEntries: { action: string }[] };
    expect(data.version).toBe(1);
    expect(data.ideas[0]!.title).toBe(seeded.markers["ideaTitle"]);
    expect(data.photos[0]!.base64).not.toBeNull();
    // The office's own acts concerning the resident are part of what is stored about them.
    expect(data.auditEntries.map((a) => a.action)).toContain("resident.show");
    expect(result.file).toBe("/tmp/anfrage-7.json");
    expect((await auditOf("resident.export")).at(-1)).toMatchObject({ targetId: String(seeded.residentId), reason: "data export written to /tmp/anfrage-7.json on the admin command line" });

    const failed = exportResident(testDb.db.prisma, String(seeded.residentId), actor, now, async () => {
      throw new Error("disk full");
    });
    await expect(failed).rejects.toThrow("disk full");
    expect((await auditOf("resident.export")).length).toBe(1);
  });

  it("refuses an id that is none or names nobody", async () => {
    await expect(showResident(testDb.db.prisma, "anna", actor, now)).rejects.toMatchObject({ key: "admin:resident-id-bad" });
    await expect(showResident(testDb.db.prisma, "999999", actor, now)).rejects.toBeInstanceOf(AdminError);
    await expect(findResidents(testDb.db.prisma, "  ", actor)).rejects.toMatchObject({ key: "admin:usage-resident" });
  });
});

describe("npm run admin -- resident", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "mitreden-admin-residents-"));
  const saved = { ...process.env };
  let residentId = 0;

  beforeAll(async () => {
    Object.assign(process.env, { MITREDEN_DATA_DIR: dataDir, DATABASE_URL: "", MITREDEN_LOCALE: "en", LOG_LEVEL: "silent" });
    await admin("area", "seed");
    const db = await openDatabase({ dataDir, logger: pino({ level: "silent" }) });
    try {
      const resident = await db.prisma.resident.create({ data: { locale: "de", identities: { create: { id: "telegram:5151", channel: "telegram", displayName: "Grete Export", privateChatId: "5151" } } } });
      residentId = resident.id;
      await seedResidentData(db.prisma, resident.id, "telegram:5151", "a7a7a7");
    } finally {
      await db.close();
    }
  });
  afterAll(() => {
    process.env = saved;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("gives the resident usage for an unknown verb such as list, and for missing arguments", async () => {
    for (const argv of [["resident", "list"], ["resident", "paint"]]) {
      const result = await admin(...argv);
      expect(result.code).toBe(2);
      expect(result.out).toContain("resident find TEXT|IDENTITY");
      expect(result.out).toContain("resident export ID --out FILE");
      expect(result.out).not.toContain("area add SLUG NAME");
    }
    expect((await admin("resident", "export", String(residentId))).out).toContain("resident export ID --out FILE");
    expect((await admin()).out).toContain("resident show ID");
  });

  it("finds, shows and exports a resident", async () => {
    const found = await admin("resident", "find", "EXPORT A7A7");
    expect(found.code).toBe(0);
    expect(found.out).toMatch(new RegExp(`^#${residentId}  telegram:5151 “Anna Export a7a7a7”, matrix:@anna-a7a7a7:example.org “Anna Export a7a7a7”  · en · Hammah · \\w{3} \\d{1,2}, \\d{4}  \\(name\\)`, "m"));
    expect((await admin("resident", "find", "Unbekannt")).out).toContain("Nobody found for “Unbekannt”.");

    const shown = await admin("resident", "show", String(residentId));
    expect(shown.code).toBe(0);
    expect(shown.out).toContain(`Resident #${residentId} · since`);
    expect(shown.out).toContain("village Hammah");
    expect(shown.out).toContain("  telegram:5151  “Anna Export a7a7a7”  first seen");
    expect(shown.out).toContain("  2 messenger accounts\n");
    expect(shown.out).toContain("  1 idea with its history\n");
    expect(shown.out).toContain("  3 consents and withdrawals\n");

    const out = join(dataDir, "anfrage.json");
    const exported = await admin("resident", "export", String(residentId), "--out", out);
    expect(exported.code).toBe(0);
    expect(exported.out).toContain(`written to ${out}`);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const data = JSON.parse(readFileSync(out, "utf8")) as { resident: { id: number }; identities: unknown[] };
    expect(data.resident.id).toBe(residentId);
    expect(data.identities).toHaveLength(2);

    const missing = await admin("resident", "show", "424242");
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.err).toContain("There is no resident 424242.");
  });
});
