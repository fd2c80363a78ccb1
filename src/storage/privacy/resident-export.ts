/**
 * Everything stored about one resident, as one JSON document with a documented, versioned shape
 * (docs/data-export.md describes every field). Residents get it with /mydata, the office with
 * `npm run admin -- resident export ID --out FILE` (GDPR Art. 15 access and Art. 20 portability).
 *
 * What is deliberately not in it: anonymous survey responses (they carry no resident id, so they
 * cannot be found, which is the point; the export says so), other people's identities (a
 * moderator who decided on an idea appears as "byYou": false, not by name) and technical records
 * that name no resident (processed-event ids, the delivery outbox's finished rows).
 */
import type { Clock } from "../../core/ports/clock.js";
import type { ResidentDataCounts, ResidentDataExport, ResidentDataFile } from "../../core/ports/resident-data.js";
import type { Db, PrismaAccess } from "../prisma-access.js";

/** The shape's version; raised whenever a field changes meaning or goes away (adding one does not). */
export const RESIDENT_EXPORT_VERSION = 1;
export const RESIDENT_EXPORT_FORMAT = "mitreden-resident-export";

/**
 * Photo bytes (before base64) the chat export embeds at most: about 20 MB of base64, which keeps
 * the file well under what Telegram (50 MB) and a default Synapse (50 MB) take. Photos past it
 * are listed with their metadata and `base64: null`; the office's export has no such bound.
 */
export const CHAT_PHOTO_BUDGET_BYTES = 15 * 1024 * 1024;

export interface ResidentExportOptions {
  /** Photo bytes to embed at most, oldest photos first; Infinity embeds all. */
  readonly photoBudgetBytes: number;
}

const iso = (date: Date | null | undefined): string | null => (date ? date.toISOString() : null);
const PENDING_DELIVERY = ["pending", "sending"];

/** The export document; see docs/data-export.md. Every date is ISO 8601 in UTC. */
export interface ResidentExport {
  readonly format: typeof RESIDENT_EXPORT_FORMAT;
  readonly version: typeof RESIDENT_EXPORT_VERSION;
  readonly createdAt: string;
  readonly notes: Readonly<Record<string, string>>;
  readonly resident: Readonly<Record<string, unknown>>;
  readonly identities: readonly unknown[];
  readonly roles: readonly unknown[];
  readonly consents: readonly unknown[];
  readonly ideas: readonly unknown[];
  readonly supports: readonly unknown[];
  readonly ideaFollows: readonly unknown[];
  readonly initiativeFollows: readonly unknown[];
  readonly reports: readonly unknown[];
  readonly news: readonly unknown[];
  readonly surveyResponses: readonly unknown[];
  readonly surveyDrafts: readonly unknown[];
  readonly photos: readonly unknown[];
  readonly linkCodes: readonly unknown[];
  readonly linkAttempts: readonly unknown[];
  readonly linkClaims: readonly unknown[];
  readonly feedPreferences: readonly unknown[];
  readonly digests: readonly unknown[];
  readonly subscriptions: readonly unknown[];
  readonly conversations: readonly unknown[];
  readonly pendingDeliveries: readonly unknown[];
  readonly auditEntries: readonly unknown[];
}

/** What the export always says about itself, in English and German (the file is read by people too). */
const NOTES = {
  anonymousSurveys:
    "Answers to anonymous surveys are stored without any link to you, so they cannot be found and are not included. " +
    "/ Antworten auf anonyme Umfragen sind ohne Verbindung zu dir gespeichert; sie lassen sich nicht finden und sind nicht enthalten.",
  photos:
    "Photos are included as base64 up to a total size; any beyond it are listed with base64 null and can be requested from the municipality. " +
    "/ Fotos sind bis zu einer Gesamtgröße als Base64 enthalten; weitere stehen mit base64 null in der Liste und sind bei der Gemeinde erhältlich.",
  otherPeople:
    "Decisions of moderators and the council on your contributions are included without their names (byYou: false). " +
    "/ Entscheidungen von Moderation und Bürgerrat zu deinen Beiträgen sind ohne deren Namen enthalten (byYou: false).",
  documentation: "docs/data-export.md in the mitreden repository describes every field. / docs/data-export.md beschreibt jedes Feld.",
};

/**
 * Gathers the export of `residentId` from `db` (the running transaction's client), or undefined
 * when there is no such resident.
 *
 * @example
 * const data = await buildResidentExport(access.client(), 7, new Date(), { photoBudgetBytes: Infinity });
 */
export async function buildResidentExport(db: Db, residentId: number, now: Date, options: ResidentExportOptions): Promise<ResidentExport | undefined> {
  const resident = await db.resident.findUnique({ where: { id: residentId }, include: { homeArea: true } });
  if (!resident) return undefined;
  const identities = await db.identity.findMany({ where: { residentId }, orderBy: { createdAt: "asc" } });
  const identityIds = identities.map((i) => i.id);
  const privateChats = identities.flatMap((i) => (i.privateChatId ? [{ channel: i.channel, chatId: i.privateChatId }] : []));
  const chatFilter = privateChats.length > 0 ? privateChats.map((c) => ({ channel: c.channel, chatId: c.chatId })) : [{ id: -1 }];

  const roles = await db.roleAssignment.findMany({ where: { identity: { in: identityIds } }, orderBy: { createdAt: "asc" } });
  const consents = await db.consentRecord.findMany({ where: { residentId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  const ideas = await db.idea.findMany({
    where: { authorId: residentId },
    include: { area: true, statusChanges: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] } },
    orderBy: { id: "asc" },
  });
  const supports = await db.support.findMany({ where: { residentId }, include: { idea: { select: { title: true } } }, orderBy: { createdAt: "asc" } });
  const follows = await db.follow.findMany({ where: { residentId }, include: { idea: { select: { title: true } } }, orderBy: { createdAt: "asc" } });
  const initiativeFollows = await db.initiativeFollow.findMany({ where: { residentId }, include: { initiative: { select: { name: true, slug: true } } }, orderBy: { createdAt: "asc" } });
  const reports = await db.report.findMany({ where: { reporterId: residentId }, orderBy: { id: "asc" } });
  const news = await db.newsItem.findMany({
    where: { OR: [{ authorResidentId: residentId }, { authorId: { in: identityIds } }] },
    include: { initiative: { select: { name: true, slug: true } } },
    orderBy: { id: "asc" },
  });
  const responses = await db.surveyResponse.findMany({
    where: { residentId },
    include: {
      survey: { select: { key: true, title: true } },
      answers: { include: { question: { select: { position: true, text: true } }, option: { select: { position: true, label: true } } }, orderBy: { id: "asc" } },
    },
    orderBy: { submittedAt: "asc" },
  });
  const drafts = await db.surveyDraft.findMany({ where: { residentId }, include: { survey: { select: { key: true, title: true } } }, orderBy: { updatedAt: "asc" } });
  const ideaPhotoIds = ideas.flatMap((i) => (i.photoId === null ? [] : [i.photoId]));
  const newsPhotoIds = news.flatMap((n) => (n.photoId === null ? [] : [n.photoId]));
  const photoWhere = { OR: [{ ownerResidentId: residentId }, { id: { in: [...ideaPhotoIds, ...newsPhotoIds] } }] };
  // Metadata first: the bytes are read one photo at a time, only while the budget lasts.
  const photoRows = await db.photo.findMany({ where: photoWhere, select: { id: true, mimeType: true, createdAt: true, ownerResidentId: true }, orderBy: { id: "asc" } });
  const photos: unknown[] = [];
  let budget = options.photoBudgetBytes;
  for (const row of photoRows) {
    const bytes = (await db.photo.findUnique({ where: { id: row.id }, select: { bytes: true } }))?.bytes ?? new Uint8Array();
    const fits = bytes.length <= budget;
    if (fits) budget -= bytes.length;
    photos.push({
      id: row.id,
      mimeType: row.mimeType,
      sizeBytes: bytes.length,
      createdAt: iso(row.createdAt),
      sentByYou: row.ownerResidentId === residentId,
      ideaIds: ideas.filter((i) => i.photoId === row.id).map((i) => i.id),
      newsIds: news.filter((n) => n.photoId === row.id).map((n) => n.id),
      base64: fits ? Buffer.from(bytes).toString("base64") : null,
    });
  }
  const linkCodes = await db.linkCode.findMany({ where: { residentId }, orderBy: { createdAt: "asc" } });
  const linkAttempts = await db.linkAttempt.findMany({ where: { identityId: { in: identityIds } }, orderBy: { createdAt: "asc" } });
  const linkClaims = await db.linkClaim.findMany({ where: { identityId: { in: identityIds } }, orderBy: { createdAt: "asc" } });
  const preferences = await db.residentFeedPreference.findMany({ where: { residentId }, orderBy: { feed: "asc" } });
  const digests = await db.digestRun.findMany({ where: { residentId }, orderBy: { day: "asc" } });
  const subscriptions = await db.subscription.findMany({ where: { OR: [...chatFilter, { createdBy: { in: identityIds } }] }, orderBy: { id: "asc" } });
  const conversations = await db.conversation.findMany({ where: { residentId }, orderBy: { key: "asc" } });
  const deliveries = await db.delivery.findMany({
    where: { status: { in: PENDING_DELIVERY }, OR: chatFilter },
    include: { broadcast: { select: { origin: true, title: true } } },
    orderBy: { id: "asc" },
  });
  const ownTargets = [
    { targetType: "resident", targetId: String(residentId) },
    ...ideas.map((i) => ({ targetType: "idea", targetId: String(i.id) })),
    ...news.map((n) => ({ targetType: "news", targetId: String(n.id) })),
    ...privateChats.map((c) => ({ targetType: "chat", targetId: `${c.channel}:${c.chatId}` })),
    // Roles granted to or revoked from their accounts.
    ...identityIds.map((id) => ({ targetType: "identity", targetId: id })),
  ];
  const audit = await db.auditLog.findMany({ where: { OR: [{ actorIdentity: { in: identityIds } }, ...ownTargets] }, orderBy: { id: "asc" } });
  const mine = new Set(identityIds);

  return {
    format: RESIDENT_EXPORT_FORMAT,
    version: RESIDENT_EXPORT_VERSION,
    createdAt: now.toISOString(),
    notes: NOTES,
    resident: {
      id: resident.id,
      language: resident.locale,
      village: resident.homeArea ? { id: resident.homeArea.id, slug: resident.homeArea.slug, name: resident.homeArea.name } : null,
      createdAt: iso(resident.createdAt),
      updatedAt: iso(resident.updatedAt),
      onboardedAt: iso(resident.onboardedAt),
      privacyAcceptedAt: iso(resident.privacyAcceptedAt),
      privacyVersion: resident.privacyVersion,
      privacyWithdrawnAt: iso(resident.privacyWithdrawnAt),
      stayAskedAt: iso(resident.stayAskedAt),
      blockedAt: iso(resident.blockedAt),
      blockedReason: resident.blockedReason,
    },
    identities: identities.map((i) => ({
      id: i.id,
      messenger: i.channel,
      displayName: i.displayName,
      privateChatId: i.privateChatId,
      firstSeenAt: iso(i.createdAt),
      lastSeenAt: iso(i.lastSeenAt),
    })),
    roles: roles.map((r) => ({ identity: r.identity, role: r.role, scope: r.scope, grantedAt: iso(r.createdAt) })),
    consents: consents.map((c) => ({ noticeVersion: c.noticeVersion, decision: c.decision, at: iso(c.createdAt) })),
    ideas: ideas.map((i) => ({
      id: i.id,
      title: i.title,
      description: i.description,
      category: i.category,
      status: i.status,
      village: i.area ? { id: i.area.id, name: i.area.name } : null,
      priorityRank: i.priorityRank,
      photoId: i.photoId,
      createdAt: iso(i.createdAt),
      updatedAt: iso(i.updatedAt),
      statusHistory: i.statusChanges.map((c) => ({ from: c.fromStatus, to: c.toStatus, reason: c.reason, byYou: mine.has(c.actorIdentity), at: iso(c.createdAt) })),
    })),
    supports: supports.map((s) => ({ ideaId: s.ideaId, ideaTitle: s.idea.title, at: iso(s.createdAt) })),
    ideaFollows: follows.map((f) => ({ ideaId: f.ideaId, ideaTitle: f.idea.title, at: iso(f.createdAt) })),
    initiativeFollows: initiativeFollows.map((f) => ({ initiativeId: f.initiativeId, initiative: f.initiative.name, slug: f.initiative.slug, at: iso(f.createdAt) })),
    reports: reports.map((r) => ({ targetType: r.targetType, targetId: r.targetId, reason: r.reason, at: iso(r.createdAt), resolvedAt: iso(r.resolvedAt) })),
    news: news.map((n) => ({
      id: n.id,
      initiativeId: n.initiativeId,
      initiative: n.initiative.name,
      postedAs: n.authorId,
      text: n.text,
      eventDate: iso(n.eventDate),
      place: n.place,
      status: n.status,
      publishedAt: iso(n.publishedAt),
      rejectReason: n.rejectReason,
      photoId: n.photoId,
      createdAt: iso(n.createdAt),
    })),
    surveyResponses: responses.map((r) => ({
      id: r.id,
      surveyId: r.surveyId,
      surveyKey: r.survey.key,
      surveyTitle: r.survey.title,
      submittedAt: iso(r.submittedAt),
      answers: r.answers.map((a) => ({
        question: a.question.position + 1,
        questionText: a.question.text,
        option: a.option ? { number: a.option.position + 1, label: a.option.label } : null,
        value: a.value,
        text: a.text,
        textPublished: a.textPublished,
      })),
    })),
    surveyDrafts: drafts.map((d) => ({
      surveyId: d.surveyId,
      surveyKey: d.survey.key,
      surveyTitle: d.survey.title,
      position: d.position,
      answers: d.answers,
      changingSubmitted: d.changing,
      updatedAt: iso(d.updatedAt),
    })),
    photos,
    linkCodes: linkCodes.map((c) => ({ code: c.code, createdAt: iso(c.createdAt), expiresAt: iso(c.expiresAt) })),
    linkAttempts: linkAttempts.map((a) => ({ identity: a.identityId, at: iso(a.createdAt) })),
    linkClaims: linkClaims.map((c) => ({ identity: c.identityId, code: c.code, at: iso(c.createdAt) })),
    feedPreferences: preferences.map((p) => ({ feed: p.feed, mode: p.mode, updatedAt: iso(p.updatedAt) })),
    digests: digests.map((d) => ({ day: d.day, sentAt: iso(d.createdAt) })),
    subscriptions: subscriptions.map((s) => ({
      id: s.id,
      messenger: s.channel,
      chatId: s.chatId,
      feed: s.feed,
      scope: s.scope,
      language: s.locale,
      active: s.active,
      yourPrivateChat: privateChats.some((c) => c.channel === s.channel && c.chatId === s.chatId),
      createdByYou: mine.has(s.createdBy),
      createdAt: iso(s.createdAt),
      updatedAt: iso(s.updatedAt),
    })),
    conversations: conversations.map((c) => ({ key: c.key, flow: c.flow, step: c.step, data: c.data, updatedAt: iso(c.updatedAt) })),
    pendingDeliveries: deliveries.map((d) => ({
      id: d.id,
      messenger: d.channel,
      chatId: d.chatId,
      status: d.status,
      about: d.broadcast.title,
      origin: d.broadcast.origin,
      attempts: d.attempts,
      createdAt: iso(d.createdAt),
      nextAttemptAt: iso(d.nextAttemptAt),
    })),
    auditEntries: audit.map((a) => ({
      id: a.id,
      action: a.action,
      targetType: a.targetType,
      targetId: a.targetId,
      reason: a.reason,
      byYou: mine.has(a.actorIdentity),
      at: iso(a.createdAt),
    })),
  };
}

/** The counts the readable summary names. */
export function countsOf(data: ResidentExport): ResidentDataCounts {
  return {
    identities: data.identities.length,
    roles: data.roles.length,
    consents: data.consents.length,
    ideas: data.ideas.length,
    supports: data.supports.length,
    ideaFollows: data.ideaFollows.length,
    initiativeFollows: data.initiativeFollows.length,
    reports: data.reports.length,
    news: data.news.length,
    surveyResponses: data.surveyResponses.length,
    surveyDrafts: data.surveyDrafts.length,
    photos: data.photos.length,
    linkCodes: data.linkCodes.length,
    feedPreferences: data.feedPreferences.length,
    subscriptions: data.subscriptions.length,
    conversations: data.conversations.length,
    pendingDeliveries: data.pendingDeliveries.length,
    auditEntries: data.auditEntries.length,
  };
}

/**
 * The port the core's /mydata uses: the export as JSON text with its counts, read in the running
 * unit of work (or a new one), photos bounded by CHAT_PHOTO_BUDGET_BYTES unless told otherwise.
 *
 * @example
 * const exports = createResidentDataExport(access, clock);
 * const file = await exports.exportResident(7);
 */
export function createResidentDataExport(access: PrismaAccess, clock: Clock, options: Partial<ResidentExportOptions> = {}): ResidentDataExport {
  const photoBudgetBytes = options.photoBudgetBytes ?? CHAT_PHOTO_BUDGET_BYTES;
  return {
    exportResident: (residentId) =>
      access.run(async (): Promise<ResidentDataFile | undefined> => {
        const now = clock.now();
        const data = await buildResidentExport(access.client(), residentId, now, { photoBudgetBytes });
        if (!data) return undefined;
        return { json: `${JSON.stringify(data, null, 2)}\n`, createdAt: now, counts: countsOf(data) };
      }),
  };
}
