import type { Initiative, InitiativeStore, NewsItem, NewsStatus } from "../../core/ports/initiatives.js";
import type { InitiativeLookup } from "../../core/ports/subscriptions.js";
import type { Initiative as InitiativeRow, NewsItem as NewsRow } from "../generated/prisma/client.js";
import type { PrismaAccess } from "../prisma-access.js";

const toInitiative = (r: InitiativeRow): Initiative => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  description: r.description,
  areaId: r.areaId,
  contact: r.contact,
  link: r.link,
  trusted: r.trusted,
});

const STATUSES: readonly NewsStatus[] = ["pending", "published", "rejected"];
const toNews = (r: NewsRow): NewsItem => ({
  id: r.id,
  initiativeId: r.initiativeId,
  authorId: r.authorId,
  authorResidentId: r.authorResidentId,
  text: r.text,
  eventDate: r.eventDate,
  place: r.place,
  photoId: r.photoId,
  status: STATUSES.find((s) => s === r.status) ?? "pending",
  publishedAt: r.publishedAt,
  rejectReason: r.rejectReason,
});

export function createInitiativeStore(db: PrismaAccess): InitiativeStore & InitiativeLookup {
  return {
    async create(input) {
      return toInitiative(
        await db.client().initiative.create({
          data: {
            slug: input.slug,
            name: input.name,
            description: input.description ?? "",
            areaId: input.areaId ?? null,
            contact: input.contact ?? null,
            link: input.link ?? null,
            trusted: input.trusted ?? false,
          },
        }),
      );
    },
    async listAll() {
      return (await db.client().initiative.findMany({ orderBy: { name: "asc" } })).map(toInitiative);
    },
    async update(slug, changes) {
      const { count } = await db.client().initiative.updateMany({ where: { slug }, data: { ...changes } });
      if (count === 0) return undefined;
      return toInitiative(await db.client().initiative.findUniqueOrThrow({ where: { slug } }));
    },
    async setLogo(slug, png) {
      const { count } = await db.client().initiative.updateMany({ where: { slug }, data: { logo: new Uint8Array(png) } });
      return count > 0;
    },
    async logoOf(id) {
      const row = await db.client().initiative.findUnique({ where: { id }, select: { logo: true } });
      return row?.logo ? new Uint8Array(row.logo) : undefined;
    },
    async get(id) {
      const row = await db.client().initiative.findUnique({ where: { id } });
      return row ? toInitiative(row) : undefined;
    },
    async byId(id) {
      const row = await db.client().initiative.findUnique({ where: { id } });
      return row ? toInitiative(row) : undefined;
    },
    async bySlug(slug) {
      const row = await db.client().initiative.findUnique({ where: { slug } });
      return row ? toInitiative(row) : undefined;
    },
    async listForAreas(areaIds) {
      const rows = await db.client().initiative.findMany({
        where: { OR: [{ areaId: null }, { areaId: { in: [...areaIds] } }] },
        orderBy: { name: "asc" },
      });
      return rows.map(toInitiative);
    },
    async follow(residentId, initiativeId) {
      await db.client().initiativeFollow.upsert({
        where: { residentId_initiativeId: { residentId, initiativeId } },
        create: { residentId, initiativeId },
        update: {},
      });
    },
    async unfollow(residentId, initiativeId) {
      await db.client().initiativeFollow.deleteMany({ where: { residentId, initiativeId } });
    },
    async isFollowing(residentId, initiativeId) {
      return (await db.client().initiativeFollow.count({ where: { residentId, initiativeId } })) > 0;
    },
    async followedBy(residentId) {
      const rows = await db.client().initiativeFollow.findMany({
        where: { residentId },
        include: { initiative: true },
        orderBy: { initiative: { name: "asc" } },
      });
      return rows.map((r) => toInitiative(r.initiative));
    },
    async addNews(input) {
      return toNews(
        await db.client().newsItem.create({
          data: {
            initiativeId: input.initiativeId,
            authorId: input.authorId,
            authorResidentId: input.authorResidentId,
            text: input.text,
            eventDate: input.eventDate,
            place: input.place,
            photoId: input.photoId ?? null,
            status: input.status,
            publishedAt: input.status === "published" ? input.now : null,
            createdAt: input.now,
          },
        }),
      );
    },
    async approveNews(id, now) {
      const { count } = await db
        .client()
        .newsItem.updateMany({ where: { id, status: "pending" }, data: { status: "published", publishedAt: now } });
      if (count === 0) return undefined;
      return toNews(await db.client().newsItem.findUniqueOrThrow({ where: { id } }));
    },
    async rejectNews(id, reason) {
      // Conditional on "pending": of two moderators deciding at once, exactly one changes the row.
      const { count } = await db
        .client()
        .newsItem.updateMany({ where: { id, status: "pending" }, data: { status: "rejected", rejectReason: reason } });
      if (count === 0) return undefined;
      return toNews(await db.client().newsItem.findUniqueOrThrow({ where: { id } }));
    },
    async getNews(id) {
      const row = await db.client().newsItem.findUnique({ where: { id } });
      return row ? toNews(row) : undefined;
    },
    async pendingNews(limit) {
      const rows = await db.client().newsItem.findMany({ where: { status: "pending" }, orderBy: { id: "asc" }, take: limit });
      return rows.map(toNews);
    },
    async latestNewsFor(residentId, limit) {
      const rows = await db.client().newsItem.findMany({
        where: { status: "published", initiative: { follows: { some: { residentId } } } },
        include: { initiative: { select: { name: true } } },
        orderBy: [{ publishedAt: "desc" }, { id: "desc" }],
        take: limit,
      });
      return rows.map((r) => ({ ...toNews(r), initiativeName: r.initiative.name }));
    },
    async latestNewsOf(initiativeId, limit) {
      const rows = await db.client().newsItem.findMany({
        where: { initiativeId, status: "published" },
        orderBy: [{ publishedAt: "desc" }, { id: "desc" }],
        take: limit,
      });
      return rows.map(toNews);
    },
  };
}
