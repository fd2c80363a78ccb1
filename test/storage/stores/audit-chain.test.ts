/**
 * The audit log's hash chain: verify finds an edited, a deleted and an inserted entry, passes
 * after a lawful erasure (which rewrites personal fields of old entries), catches an erasure
 * faked by hand, and concurrent appends (PostgreSQL: several connections) stay one chain.
 */
import { afterEach, describe, expect, it } from "vitest";
import { appendAuditEntryAlone, verifyAuditChain, type AuditEntryInput } from "../../../src/storage/stores/audit-chain.js";
import { eraseResident } from "../../../src/storage/privacy/erase-resident.js";
import type { PrismaClient } from "../../../src/storage/generated/prisma/client.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.js";
import { seedExampleIfEmpty } from "../../../src/storage/seed-example.js";
import { ERIKA, seedEverything } from "../privacy/erasure-seed.js";

let database: TestDatabase | undefined;
afterEach(async () => {
  await database?.dispose();
  database = undefined;
});

async function open(): Promise<PrismaClient> {
  database = await createTestDatabase();
  return database.db.prisma;
}

const entry = (n: number): AuditEntryInput => ({
  actorIdentity: "telegram:900",
  actorName: "Moderatorin Mona",
  action: "idea.approve",
  targetType: "idea",
  targetId: String(n),
  reason: null,
});

async function fiveEntries(prisma: PrismaClient): Promise<number[]> {
  for (let n = 1; n <= 5; n += 1) await appendAuditEntryAlone(prisma, entry(n));
  return (await prisma.auditLog.findMany({ orderBy: { seq: "asc" }, select: { id: true } })).map((r) => r.id);
}

describe("audit chain", () => {
  it("is whole after appends and names its head", async () => {
    const prisma = await open();
    await fiveEntries(prisma);
    const result = await verifyAuditChain(prisma);
    expect(result).toMatchObject({ ok: true, count: 5, erased: 0, unchained: 0 });
    const last = await prisma.auditLog.findFirstOrThrow({ orderBy: { seq: "desc" } });
    expect(result.ok && result.head).toEqual({ seq: 5, hash: last.hash });
    expect(await verifyAuditChain(prisma, { head: last.hash! })).toMatchObject({ ok: true });
  });

  it("finds an edited entry (non-personal and personal field, and a recomputed salt digest)", async () => {
    const prisma = await open();
    const ids = await fiveEntries(prisma);
    await prisma.auditLog.update({ where: { id: ids[2]! }, data: { action: "idea.reject" } });
    const row = await prisma.auditLog.findUniqueOrThrow({ where: { id: ids[2]! } });
    expect(await verifyAuditChain(prisma)).toEqual({ ok: false, problem: "changed", id: ids[2], createdAt: row.createdAt });

    await prisma.auditLog.update({ where: { id: ids[2]! }, data: { action: "idea.approve" } });
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: true });
    await prisma.auditLog.update({ where: { id: ids[3]! }, data: { actorName: "Someone Else" } });
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: false, problem: "changed", id: ids[3] });

    // Dropping the salt to pass as erased does not help: no erasure mark, no later erasure entry.
    await prisma.auditLog.update({ where: { id: ids[3]! }, data: { actorName: "Moderatorin Mona", actorIdentity: "erased", personalSalt: null } });
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: false, problem: "changed", id: ids[3] });
  });

  it("finds a deleted entry, also the first one", async () => {
    const prisma = await open();
    const ids = await fiveEntries(prisma);
    await prisma.auditLog.delete({ where: { id: ids[1]! } });
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: false, problem: "removed", id: ids[2] });
    await prisma.auditLog.delete({ where: { id: ids[0]! } });
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: false, problem: "removed", id: ids[2] });
  });

  it("finds the newest entries removed only against a noted head", async () => {
    const prisma = await open();
    const ids = await fiveEntries(prisma);
    const head = (await prisma.auditLog.findUniqueOrThrow({ where: { id: ids[4]! } })).hash!;
    await prisma.auditLog.delete({ where: { id: ids[4]! } });
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: true, count: 4 });
    expect(await verifyAuditChain(prisma, { head })).toEqual({ ok: false, problem: "head-missing", id: null, createdAt: null });
  });

  it("finds an inserted entry, with or without chain fields", async () => {
    const prisma = await open();
    const ids = await fiveEntries(prisma);
    const plain = await prisma.auditLog.create({ data: entry(99) });
    expect(await verifyAuditChain(prisma)).toEqual({ ok: false, problem: "inserted", id: plain.id, createdAt: plain.createdAt });
    await prisma.auditLog.delete({ where: { id: plain.id } });

    // A forged entry between two others: it copies its neighbour's chain fields under a free position.
    const third = await prisma.auditLog.findUniqueOrThrow({ where: { id: ids[2]! } });
    await prisma.auditLog.updateMany({ where: { seq: { gte: 3 } }, data: { seq: { increment: 100 } } });
    await prisma.auditLog.updateMany({ where: { seq: { gte: 103 } }, data: { seq: { decrement: 99 } } });
    const forged = await prisma.auditLog.create({
      data: { ...entry(42), seq: 3, prevHash: third.prevHash, hash: third.hash, personalDigest: third.personalDigest, personalSalt: third.personalSalt },
    });
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: false, problem: "changed", id: forged.id });
  });

  it("seals entries written before the chain began with the first new one", async () => {
    const prisma = await open();
    const old = await prisma.auditLog.create({ data: entry(1) });
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: true, count: 0, unchained: 1 });
    await appendAuditEntryAlone(prisma, entry(2));
    expect(await prisma.auditLog.findUniqueOrThrow({ where: { id: old.id } })).toMatchObject({ seq: 1 });
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: true, count: 2 });
  });

  it("stays whole after a lawful erasure, which hides the erased digests' salts", async () => {
    const prisma = await open();
    await seedExampleIfEmpty(prisma);
    const seeded = await seedEverything(prisma);
    await appendAuditEntryAlone(prisma, entry(1)); // seals the seeded entries
    await appendAuditEntryAlone(prisma, { actorIdentity: "cli:office", actorName: "office", action: "role.grant", targetType: "identity", targetId: ERIKA.telegram, reason: "moderator *" });
    const before = await prisma.auditLog.count({ where: { personalSalt: null } });
    expect(before).toBe(0);
    await eraseResident(prisma, seeded.residentId, { contributions: "anonymise", actor: "resident", reason: "own request" });
    expect(await prisma.auditLog.count({ where: { personalSalt: null } })).toBeGreaterThan(0);
    const result = await verifyAuditChain(prisma);
    expect(result).toMatchObject({ ok: true, unchained: 0 });
    expect(result.ok && result.erased).toBeGreaterThan(0);
    const grant = await prisma.auditLog.findFirstOrThrow({ where: { action: "role.grant" } });
    expect(grant).toMatchObject({ personalSalt: null, actorIdentity: "cli:office" });
    expect(grant.targetId).toMatch(/^E-[0-9a-f]{12}$/);

    // An erased entry's non-personal content is still covered.
    const erased = await prisma.auditLog.findFirstOrThrow({ where: { personalSalt: null }, orderBy: { seq: "asc" } });
    await prisma.auditLog.update({ where: { id: erased.id }, data: { action: "idea.reject" } });
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: false, problem: "changed", id: erased.id });
  });

  it("keeps concurrent appends in one chain", async () => {
    const prisma = await open();
    await Promise.all(Array.from({ length: 12 }, (_, n) => appendAuditEntryAlone(prisma, entry(n))));
    const seqs = (await prisma.auditLog.findMany({ orderBy: { seq: "asc" }, select: { seq: true } })).map((r) => r.seq);
    expect(seqs).toEqual(Array.from({ length: 12 }, (_, n) => n + 1));
    expect(await verifyAuditChain(prisma)).toMatchObject({ ok: true, count: 12 });
  });
});
