import { isIdeaStatus, PUBLIC_STATUSES, type Idea, type StatusChange } from "../../core/features/ideas/idea-model.js";
import type { IdeaStore } from "../../core/features/ideas/idea-ports.js";
import type { PrismaAccess } from "../prisma-access.js";
import type { Prisma } from "../generated/prisma/client.js";

const withCount = { _count: { select: { supports: true } } } as const;
type IdeaRow = Prisma.IdeaGetPayload<{ include: typeof withCount }>;
type ChangeRow = Prisma.IdeaStatusChangeGetPayload<object>;

function status(value: string) {
  // The column is plain text; an unknown value would be a bug in a migration, not user input.
  if (!isIdeaStatus(value)) throw new Error(`unknown idea status "${value}"`);
  return value;
}

export function toIdea(row: IdeaRow): Idea {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    areaId: row.areaId,
    category: row.category,
    photoId: row.photoId,
    authorId: row.authorId,
    status: status(row.status),
    priorityRank: row.priorityRank,
    createdAt: row.createdAt,
    supportCount: row._count.supports,
  };
}

function toChange(row: ChangeRow): StatusChange {
  return {
    id: row.id,
    ideaId: row.ideaId,
    fromStatus: row.fromStatus === null ? null : status(row.fromStatus),
    toStatus: status(row.toStatus),
    actor: { identity: row.actorIdentity, name: row.actorName },
    reason: row.reason,
    createdAt: row.createdAt,
  };
}

const publicWhere = { status: { in: [...PUBLIC_STATUSES] } };

export function createIdeaStore(db: PrismaAccess): IdeaStore {
  const get = async (ideaId: number) => {
    const row = await db.client().idea.findUnique({ where: { id: ideaId }, include: withCount });
    return row ? toIdea(row) : undefined;
  };
  const lastChange = async (ideaId: number) => {
    const row = await db.client().ideaStatusChange.findFirst({ where: { ideaId }, orderBy: { id: "desc" } });
    return row ? toChange(row) : undefined;
  };

  return {
    async create(idea, actor) {
      const row = await db.client().idea.create({
        data: {
          ...idea,
          status: "pending",
          statusChanges: { create: { fromStatus: null, toStatus: "pending", actorIdentity: actor.identity, actorName: actor.name } },
        },
        include: withCount,
      });
      return toIdea(row);
    },
    get,
    countByAuthorSince(authorId, since) {
      return db.client().idea.count({ where: { authorId, createdAt: { gte: since } } });
    },
    async publicMatching(words, limit) {
      if (words.length === 0) return [];
      const rows = await db.client().idea.findMany({
        where: {
          ...publicWhere,
          OR: words.flatMap((w) => [
            { title: { contains: w, mode: "insensitive" as const } },
            { description: { contains: w, mode: "insensitive" as const } },
          ]),
        },
        include: withCount,
        orderBy: { id: "desc" },
        take: limit,
      });
      return rows.map(toIdea);
    },
    async listPublic({ areaIds, sort, offset, limit }) {
      const where = { ...publicWhere, ...(areaIds ? { areaId: { in: [...areaIds] } } : {}) };
      const [rows, total] = await Promise.all([
        db.client().idea.findMany({
          where,
          include: withCount,
          orderBy: sort === "top" ? [{ supports: { _count: "desc" as const } }, { id: "desc" as const }] : [{ id: "desc" as const }],
          skip: offset,
          take: limit,
        }),
        db.client().idea.count({ where }),
      ]);
      return { items: rows.map(toIdea), total };
    },
    async listByStatus(statuses, order, limit) {
      const rows = await db.client().idea.findMany({
        where: { status: { in: [...statuses] } },
        include: withCount,
        orderBy:
          order === "oldest"
            ? [{ id: "asc" as const }]
            : [{ priorityRank: { sort: "asc" as const, nulls: "last" as const } }, { supports: { _count: "desc" as const } }, { id: "asc" as const }],
        take: limit,
      });
      return rows.map(toIdea);
    },
    async history(ideaId) {
      const rows = await db.client().ideaStatusChange.findMany({ where: { ideaId }, orderBy: { id: "asc" } });
      return rows.map(toChange);
    },
    async transition(ideaId, from, to, actor, reason, priorityRank) {
      const client = db.client();
      const before = await get(ideaId);
      // The WHERE on the current status is what makes one of two concurrent moderators win: the
      // second UPDATE waits for the first transaction's row lock, then matches no row.
      const { count } = await client.idea.updateMany({
        where: { id: ideaId, status: { in: [...from] } },
        data: { status: to, ...(priorityRank !== undefined ? { priorityRank } : {}) },
      });
      const idea = await get(ideaId);
      if (!idea) return { kind: "missing" };
      if (count === 0) return { kind: "conflict", idea, last: await lastChange(ideaId) };
      const change = await client.ideaStatusChange.create({
        data: {
          ideaId,
          fromStatus: before && from.includes(before.status) ? before.status : null,
          toStatus: to,
          actorIdentity: actor.identity,
          actorName: actor.name,
          reason,
        },
      });
      return { kind: "changed", idea, change: toChange(change) };
    },
    async addNote(ideaId, actor, note) {
      const idea = await get(ideaId);
      if (!idea) return undefined;
      const row = await db.client().ideaStatusChange.create({
        data: { ideaId, fromStatus: idea.status, toStatus: idea.status, actorIdentity: actor.identity, actorName: actor.name, reason: note },
      });
      return toChange(row);
    },
    async setRank(ideaId, rank) {
      const { count } = await db.client().idea.updateMany({ where: { id: ideaId }, data: { priorityRank: rank } });
      return count === 1;
    },
    async support(ideaId, residentId) {
      // ON CONFLICT DO NOTHING: a unique violation would abort the whole PostgreSQL transaction.
      const { count } = await db.client().support.createMany({ data: [{ ideaId, residentId }], skipDuplicates: true });
      // A follow the resident already had stays theirs; a new one goes again with the support.
      await db.client().follow.createMany({ data: [{ ideaId, residentId, viaSupport: true }], skipDuplicates: true });
      return count === 1;
    },
    async withdrawSupport(ideaId, residentId) {
      const { count } = await db.client().support.deleteMany({ where: { ideaId, residentId } });
      if (count === 0) return { withdrawn: false, unfollowed: false };
      const follows = await db.client().follow.deleteMany({ where: { ideaId, residentId, viaSupport: true } });
      return { withdrawn: true, unfollowed: follows.count > 0 };
    },
    async follow(ideaId, residentId) {
      const { count } = await db.client().follow.createMany({ data: [{ ideaId, residentId }], skipDuplicates: true });
      // Following on purpose makes a follow that came with a support the resident's own.
      if (count === 0) await db.client().follow.updateMany({ where: { ideaId, residentId, viaSupport: true }, data: { viaSupport: false } });
      return count === 1;
    },
    async unfollow(ideaId, residentId) {
      const { count } = await db.client().follow.deleteMany({ where: { ideaId, residentId } });
      return count > 0;
    },
    async viewerState(ideaId, residentId) {
      const [supported, following] = await Promise.all([
        db.client().support.count({ where: { ideaId, residentId } }),
        db.client().follow.count({ where: { ideaId, residentId } }),
      ]);
      return { supported: supported > 0, following: following > 0 };
    },
    async followerIds(ideaId) {
      const rows = await db.client().follow.findMany({ where: { ideaId }, select: { residentId: true }, orderBy: { id: "asc" } });
      return rows.map((r) => r.residentId);
    },
    async report(targetType, targetId, reporterId, reason) {
      const row = await db.client().report.create({ data: { targetType, targetId, reporterId, reason } });
      return row.id;
    },
  };
}
