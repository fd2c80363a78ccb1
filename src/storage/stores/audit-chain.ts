import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../prisma-access.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { ERASED_IDENTITY as ERASED, ERASURE_ACTION as ERASE_ACTION, isErasureReference } from "../privacy/erasure-marks.js";

/**
 * The audit log as a hash chain, so the council can show its record is whole.
 *
 * Each entry carries its position (`seq`), the hash of the entry before (`prevHash`) and its own
 * `hash` over its content. Erasure must be able to rewrite the personal fields of old entries
 * (actor, a resident/chat/identity target, the reason) without breaking the chain, while an edit
 * by anyone else must show. So the hash does not cover those fields themselves but
 * `personalDigest`, a SHA-256 over them and a random per-entry `personalSalt`. Verification
 * recomputes the digest while the salt is there; erasure nulls the salt (an identity can then no
 * longer be guessed and tested against the digest) and verification trusts the stored digest of
 * such an entry only when it carries the marks of an erasure and a later erasure entry exists.
 * Content that is never personal (time, action, target type, the id of an idea or survey) is
 * always covered directly.
 *
 * Appending takes a transaction-scoped advisory lock, so two processes writing at once on
 * PostgreSQL still form one chain (PGlite has one connection; the lock is harmless there).
 * The chain starts with the first entry written after the migration: that append first seals the
 * entries written before, oldest first.
 *
 * What a chain alone cannot show: a writer with database access who recomputes every hash after
 * the entry they changed, or who removes the newest entries. Against both, note the head that
 * `audit verify` prints (e.g. in the council's minutes) and pass it later with `--head`.
 */

/** prevHash of the first entry. */
export const GENESIS_HASH = "0".repeat(64);

/** Target types whose id names a person (erasure rewrites them), so they are part of the digest. */
export const PERSONAL_TARGETS: ReadonlySet<string> = new Set(["resident", "chat", "identity"]);


/** Advisory lock key of the audit chain (any fixed number; "mitreden audit" as digits). */
const CHAIN_LOCK = 647_172_657_465;

/**
 * One entry to append.
 *
 * @example
 * await appendAuditEntry(db, { actorIdentity: "telegram:42", actorName: "Anna", action: "survey.open", targetType: "survey", targetId: "3", reason: null });
 */
export interface AuditEntryInput {
  readonly actorIdentity: string;
  readonly actorName: string;
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string;
  readonly reason: string | null;
}

interface ChainFields {
  readonly seq: number;
  readonly createdAt: Date;
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string;
  readonly personalDigest: string;
  readonly prevHash: string;
}

function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** The digest over the personal fields with the entry's salt. */
export function personalDigest(salt: string, entry: Pick<AuditEntryInput, "actorIdentity" | "actorName" | "targetType" | "targetId" | "reason">): string {
  const target = PERSONAL_TARGETS.has(entry.targetType) ? entry.targetId : null;
  return sha256(JSON.stringify(["audit-personal-v1", salt, entry.actorIdentity, entry.actorName, target, entry.reason]));
}

/** The hash of one entry: everything not personal directly, the personal fields through the digest. */
export function entryHash(fields: ChainFields): string {
  const target = PERSONAL_TARGETS.has(fields.targetType) ? null : fields.targetId;
  return sha256(
    JSON.stringify(["audit-entry-v1", fields.seq, fields.createdAt.toISOString(), fields.action, fields.targetType, target, fields.personalDigest, fields.prevHash]),
  );
}

/**
 * Appends one entry to the chain inside the running transaction `tx` (the lock lasts until it ends).
 *
 * @example
 * await access.run(() => appendAuditEntry(access.client(), { actorIdentity: "telegram:42", actorName: "Anna", action: "survey.open", targetType: "survey", targetId: "3", reason: null }));
 */
export async function appendAuditEntry(tx: Db, entry: AuditEntryInput): Promise<void> {
  await appendWithin(tx, entry);
}

/**
 * Appends one entry in a transaction of its own (the admin command line, outside a unit of work).
 *
 * @example
 * await appendAuditEntryAlone(prisma, { actorIdentity: "cli:anna", actorName: "anna (admin command line)", action: "resident.show", targetType: "resident", targetId: "7", reason: null });
 */
export async function appendAuditEntryAlone(prisma: PrismaClient, entry: AuditEntryInput): Promise<void> {
  await prisma.$transaction((tx) => appendWithin(tx, entry), { maxWait: 15_000, timeout: 30_000 });
}

async function appendWithin(db: Db, entry: AuditEntryInput): Promise<void> {
  // Held until the transaction ends: the next writer reads this entry's hash as its prevHash.
  await db.$executeRaw`SELECT pg_advisory_xact_lock(${CHAIN_LOCK}::bigint)`;
  let last = await db.auditLog.findFirst({ where: { seq: { not: null } }, orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
  if (!last) last = await sealUnchained(db);
  const seq = (last?.seq ?? 0) + 1;
  const prevHash = last?.hash ?? GENESIS_HASH;
  const salt = randomBytes(16).toString("hex");
  const digest = personalDigest(salt, entry);
  const createdAt = new Date();
  const hash = entryHash({ seq, createdAt, action: entry.action, targetType: entry.targetType, targetId: entry.targetId, personalDigest: digest, prevHash });
  await db.auditLog.create({ data: { ...entry, createdAt, seq, personalSalt: salt, personalDigest: digest, prevHash, hash } });
}

/** Chains the entries written before the chain began, oldest first; returns the last one. */
async function sealUnchained(db: Db): Promise<{ seq: number | null; hash: string | null } | null> {
  const rows = await db.auditLog.findMany({ where: { seq: null }, orderBy: { id: "asc" } });
  let prevHash = GENESIS_HASH;
  let seq = 0;
  for (const row of rows) {
    seq += 1;
    const salt = randomBytes(16).toString("hex");
    const digest = personalDigest(salt, row);
    const hash = entryHash({ seq, createdAt: row.createdAt, action: row.action, targetType: row.targetType, targetId: row.targetId, personalDigest: digest, prevHash });
    await db.auditLog.update({ where: { id: row.id }, data: { seq, personalSalt: salt, personalDigest: digest, prevHash, hash } });
    prevHash = hash;
  }
  return rows.length === 0 ? null : { seq, hash: prevHash };
}

/** Where the chain is broken: the entry concerned, by id and time. */
export interface AuditChainBreak {
  readonly ok: false;
  /** changed: its content or hash no longer fits; removed: entries before it are missing; inserted: it does not belong to the chain. */
  readonly problem: "changed" | "removed" | "inserted" | "head-missing";
  readonly id: number | null;
  readonly createdAt: Date | null;
}

/**
 * The result of walking the chain.
 *
 * @example
 * const result = await verifyAuditChain(prisma);
 * if (result.ok) console.info(result.count, result.head);
 */
export type AuditChainResult =
  | {
      readonly ok: true;
      /** Entries in the chain. */
      readonly count: number;
      /** Entries whose personal fields were erased (their digest is trusted). */
      readonly erased: number;
      /** Entries written before the chain began and not sealed yet (no entry since the migration). */
      readonly unchained: number;
      /** The newest entry's position and hash, to note and pass later as `--head`. */
      readonly head: { readonly seq: number; readonly hash: string } | null;
    }
  | AuditChainBreak;

type Row = Awaited<ReturnType<PrismaClient["auditLog"]["findMany"]>>[number];

function looksErased(row: Row): boolean {
  if (row.actorIdentity === ERASED) return true;
  if (PERSONAL_TARGETS.has(row.targetType) && (row.targetId === ERASED || isErasureReference(row.targetId))) return true;
  return row.reason?.includes(ERASED) ?? false;
}

/**
 * Walks the whole chain in order and reports the first entry that was changed, removed or
 * inserted; `head` (a hash `audit verify` printed earlier) must still be in the chain.
 */
export async function verifyAuditChain(db: PrismaClient | Db, options: { head?: string } = {}): Promise<AuditChainResult> {
  const stray = await db.auditLog.findFirst({ where: { seq: null }, orderBy: { id: "asc" } });
  const chained = await db.auditLog.count({ where: { seq: { not: null } } });
  if (stray && chained > 0) return { ok: false, problem: "inserted", id: stray.id, createdAt: stray.createdAt };
  if (chained === 0) {
    const unchained = await db.auditLog.count();
    if (options.head) return { ok: false, problem: "head-missing", id: null, createdAt: null };
    return { ok: true, count: 0, erased: 0, unchained, head: null };
  }
  // Seq of the last erasure entry: an entry without salt must lie before one.
  const lastErasure = await db.auditLog.findFirst({ where: { action: ERASE_ACTION, seq: { not: null } }, orderBy: { seq: "desc" }, select: { seq: true } });
  let prev = GENESIS_HASH;
  let expected = 1;
  let erased = 0;
  let headSeen = false;
  let last: Row | undefined;
  for (let after = 0; ; ) {
    const rows = await db.auditLog.findMany({ where: { seq: { gt: after } }, orderBy: { seq: "asc" }, take: 1000 });
    for (const row of rows) {
      const at = { id: row.id, createdAt: row.createdAt };
      if (row.seq !== expected) return { ok: false, problem: "removed", ...at };
      let digest: string;
      if (row.personalSalt !== null) {
        digest = personalDigest(row.personalSalt, row);
        if (digest !== row.personalDigest) return { ok: false, problem: "changed", ...at };
      } else {
        const lawful = row.personalDigest !== null && looksErased(row) && (lastErasure?.seq ?? 0) > row.seq;
        if (!lawful) return { ok: false, problem: "changed", ...at };
        digest = row.personalDigest!;
        erased += 1;
      }
      const hash = entryHash({ seq: row.seq, createdAt: row.createdAt, action: row.action, targetType: row.targetType, targetId: row.targetId, personalDigest: digest, prevHash: prev });
      if (row.prevHash !== prev || row.hash !== hash) return { ok: false, problem: "changed", ...at };
      if (options.head && row.hash === options.head) headSeen = true;
      prev = hash;
      expected += 1;
      last = row;
    }
    if (rows.length < 1000) break;
    after = rows.at(-1)!.seq!;
  }
  if (options.head && !headSeen) return { ok: false, problem: "head-missing", id: null, createdAt: null };
  return { ok: true, count: expected - 1, erased, unchained: 0, head: last ? { seq: last.seq!, hash: last.hash! } : null };
}
