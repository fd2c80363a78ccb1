/**
 * `npm run admin -- resident find|show|export`: the office's tools for a resident's request that
 * arrives by letter or e-mail (GDPR Art. 12: one month to answer). Every act is written to the
 * audit log with the admin's OS user, in plain words, so the data protection officer can see who
 * looked at whose data and when; a search records whom it found, never what was typed.
 */
import { normaliseIdentity } from "../core/model/role.js";
import type { PrismaClient } from "../storage/generated/prisma/client.js";
import { buildResidentExport, countsOf, type ResidentExport } from "../storage/privacy/resident-export.js";
import { AdminError } from "./admin-error.js";
import { appendAuditEntryAlone } from "../storage/stores/audit-chain.js";

/** At most this many residents are listed by one search. */
export const FIND_LIMIT = 50;

/** How a search reached a resident. */
export type MatchReason = "resident-id" | "identity" | "name";

/**
 * One resident a search found, with what identifies them to the office.
 *
 * @example
 * const match: ResidentMatch = { id: 7, language: "de", village: "Hammah", createdAt, identities: [{ id: "telegram:4711", displayName: "Anna" }], matchedBy: ["name"] };
 */
export interface ResidentMatch {
  readonly id: number;
  readonly language: string | null;
  readonly village: string | null;
  readonly createdAt: Date;
  readonly identities: readonly { readonly id: string; readonly displayName: string | null }[];
  readonly matchedBy: readonly MatchReason[];
}

/** Who acts on the admin command line, as the audit log names them. */
export interface AdminActor {
  /** "cli:<OS user>", as role grants name the admin. */
  readonly identity: string;
}

const actorName = (actor: AdminActor) => `admin command line (${actor.identity.replace(/^cli:/, "OS user ")})`;

async function record(prisma: PrismaClient, actor: AdminActor, action: string, targetId: string, reason: string): Promise<void> {
  await appendAuditEntryAlone(prisma, { actorIdentity: actor.identity, actorName: actorName(actor), action, targetType: "resident", targetId, reason });
}

/** A resident id as typed ("7" or "#7"); undefined for anything else. */
export function residentIdOf(input: string | undefined): number | undefined {
  const match = /^#?(\d{1,9})$/.exec((input ?? "").trim());
  return match ? Number(match[1]) : undefined;
}

/**
 * Finds residents by resident id ("7"), platform identity ("telegram:4711", "@anna:example.org")
 * or a part of a display name ("müller", any case). Records one audit entry per resident found,
 * or one saying the search found nobody.
 *
 * @example
 * const found = await findResidents(prisma, "Anna", { identity: "cli:amt" });
 */
export async function findResidents(prisma: PrismaClient, text: string, actor: AdminActor): Promise<ResidentMatch[]> {
  const query = text.trim();
  if (query === "") throw new AdminError("admin:usage-resident");
  const reasons = new Map<number, Set<MatchReason>>();
  const add = (id: number, reason: MatchReason) => reasons.set(id, (reasons.get(id) ?? new Set()).add(reason));

  const residentId = residentIdOf(query);
  if (residentId !== undefined && (await prisma.resident.findUnique({ where: { id: residentId }, select: { id: true } }))) add(residentId, "resident-id");
  const identity = normaliseIdentity(query) ?? (/^(telegram|matrix|console):/.test(query) ? query : undefined);
  if (identity) {
    const row = await prisma.identity.findUnique({ where: { id: identity }, select: { residentId: true } });
    if (row) add(row.residentId, "identity");
  }
  const named = await prisma.identity.findMany({
    where: { displayName: { contains: query, mode: "insensitive" } },
    select: { residentId: true },
    orderBy: { residentId: "asc" },
    take: FIND_LIMIT,
  });
  for (const row of named) add(row.residentId, "name");

  const ids = [...reasons.keys()].sort((a, b) => a - b).slice(0, FIND_LIMIT);
  const residents = await prisma.resident.findMany({
    where: { id: { in: ids } },
    include: { homeArea: { select: { name: true } }, identities: { select: { id: true, displayName: true }, orderBy: { createdAt: "asc" } } },
    orderBy: { id: "asc" },
  });
  if (residents.length === 0) await record(prisma, actor, "resident.find", "none", "a search on the admin command line found nobody");
  for (const r of residents) await record(prisma, actor, "resident.find", String(r.id), "found by a search on the admin command line");
  return residents.map((r) => ({
    id: r.id,
    language: r.locale,
    village: r.homeArea?.name ?? null,
    createdAt: r.createdAt,
    identities: r.identities,
    matchedBy: [...(reasons.get(r.id) ?? [])],
  }));
}

async function exportOf(prisma: PrismaClient, input: string | undefined, now: Date): Promise<ResidentExport> {
  const id = residentIdOf(input);
  if (id === undefined) throw new AdminError("admin:resident-id-bad", { id: input ?? "" });
  // The office's copy holds every photo: no messenger's upload limit applies to a file on disk.
  const data = await buildResidentExport(prisma, id, now, { photoBudgetBytes: Number.POSITIVE_INFINITY });
  if (!data) throw new AdminError("admin:resident-unknown", { id });
  return data;
}

/**
 * The resident's data as `resident show` prints it: the export, read for its summary. Recorded
 * as "summary shown".
 */
export async function showResident(prisma: PrismaClient, input: string | undefined, actor: AdminActor, now: Date): Promise<ResidentExport> {
  const data = await exportOf(prisma, input, now);
  await record(prisma, actor, "resident.show", String(data.resident["id"]), "summary of the stored data shown on the admin command line");
  return data;
}

/**
 * The resident's export as JSON text, for `resident export ID --out FILE`; `written` writes it
 * and only then is the act recorded, with the file it went to.
 */
export async function exportResident(
  prisma: PrismaClient,
  input: string | undefined,
  actor: AdminActor,
  now: Date,
  written: (json: string) => Promise<string>,
): Promise<{ readonly file: string; readonly data: ResidentExport }> {
  const data = await exportOf(prisma, input, now);
  const file = await written(`${JSON.stringify(data, null, 2)}\n`);
  await record(prisma, actor, "resident.export", String(data.resident["id"]), `data export written to ${file} on the admin command line`);
  return { file, data };
}

export { countsOf };
