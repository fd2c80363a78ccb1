import type { CouncilResult } from "../../core/features/ideas/idea-model.js";
import type { CouncilResultStore } from "../../core/features/ideas/idea-ports.js";
import type { PrismaAccess } from "../prisma-access.js";
import type { Prisma } from "../generated/prisma/client.js";

const include = { ideas: { select: { ideaId: true }, orderBy: { ideaId: "asc" as const } } } as const;
type ResultRow = Prisma.CouncilResultGetPayload<{ include: typeof include }>;

function toResult(row: ResultRow): CouncilResult {
  return {
    id: row.id,
    title: row.title,
    text: row.text,
    status: row.status === "published" ? "published" : "draft",
    ideaIds: row.ideas.map((i) => i.ideaId),
    author: { identity: row.authorIdentity, name: row.authorName },
    reviewerIdentity: row.reviewerIdentity,
    createdAt: row.createdAt,
    publishedAt: row.publishedAt,
  };
}

export function createCouncilResultStore(db: PrismaAccess): CouncilResultStore {
  const get = async (resultId: number) => {
    const row = await db.client().councilResult.findUnique({ where: { id: resultId }, include });
    return row ? toResult(row) : undefined;
  };
  return {
    async createDraft({ title, text, ideaIds, author }) {
      const row = await db.client().councilResult.create({
        data: {
          title,
          text,
          authorIdentity: author.identity,
          authorName: author.name,
          ideas: { create: ideaIds.map((ideaId) => ({ ideaId })) },
        },
        include,
      });
      return toResult(row);
    },
    get,
    async drafts(limit) {
      const rows = await db.client().councilResult.findMany({ where: { status: "draft" }, include, orderBy: { id: "asc" }, take: limit });
      return rows.map(toResult);
    },
    async publish(resultId, reviewerIdentity, at) {
      // Conditional on "draft": of two reviewers pressing at once, only one publishes.
      const { count } = await db.client().councilResult.updateMany({
        where: { id: resultId, status: "draft" },
        data: { status: "published", reviewerIdentity, publishedAt: at },
      });
      return count === 1 ? get(resultId) : undefined;
    },
    async latestPublished(limit) {
      const rows = await db.client().councilResult.findMany({
        where: { status: "published" },
        include,
        orderBy: [{ publishedAt: "desc" }, { id: "desc" }],
        take: limit,
      });
      return rows.map(toResult);
    },
    async publishedForIdea(ideaId) {
      const rows = await db.client().councilResult.findMany({
        where: { status: "published", ideas: { some: { ideaId } } },
        include,
        orderBy: { id: "asc" },
      });
      return rows.map(toResult);
    },
  };
}
