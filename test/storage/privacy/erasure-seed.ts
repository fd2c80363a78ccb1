/**
 * One resident with one of everything mitreden stores about a person, plus a bystander whose data
 * must survive the erasure untouched.
 */
import type { PrismaClient } from "../../../src/storage/generated/prisma/client.js";
import type { ResidentTraces } from "../../support/erasure-scan.js";

export const ERIKA = {
  telegramUser: "738291650",
  telegram: "telegram:738291650",
  telegramName: "Erika Löschmann",
  mxid: "@erika-7q:example.org",
  matrix: "matrix:@erika-7q:example.org",
  matrixName: "E. Löschmann",
  matrixRoom: "!erikadm7q:example.org",
  consoleChat: "erika-7q",
  console: "console:erika-7q",
} as const;

export const BERT = { telegram: "telegram:555000111", user: 555000111 } as const;
export const BOT_ID = "7000000001";

export interface Seeded {
  readonly residentId: number;
  readonly bertId: number;
  readonly ideaId: number;
  readonly newsId: number;
  readonly bertIdeaId: number;
  readonly anonymousResponseId: string;
  readonly traces: ResidentTraces;
}

/** Telegram update as the Bot API sends it, from `from` in their private chat. */
function update(updateId: number, from: number, text: string) {
  return {
    update_id: updateId,
    message: { message_id: updateId, from: { id: from, is_bot: false, first_name: from === BERT.user ? "Bert" : "Erika" }, chat: { id: from, type: "private" }, date: 1764590000, text },
  };
}

/**
 * Seeds Erika (identities on Telegram and Matrix, or on the terminal and Telegram with `console`)
 * with one row of every kind, and Bert beside her.
 */
export async function seedEverything(prisma: PrismaClient, options: { console?: boolean } = {}): Promise<Seeded> {
  const hammah = await prisma.area.findUniqueOrThrow({ where: { slug: "hammah" } });
  const now = new Date("2026-11-27T09:00:00Z");
  const second = options.console
    ? { id: ERIKA.console, channel: "console", displayName: null, privateChatId: ERIKA.consoleChat }
    : { id: ERIKA.matrix, channel: "matrix", displayName: ERIKA.matrixName, privateChatId: ERIKA.matrixRoom };
  const erika = await prisma.resident.create({
    data: {
      locale: "de",
      homeAreaId: hammah.id,
      privacyAcceptedAt: now,
      privacyVersion: "2026-12-01",
      onboardedAt: now,
      identities: { create: [{ id: ERIKA.telegram, channel: "telegram", displayName: ERIKA.telegramName, privateChatId: ERIKA.telegramUser }, second] },
      consents: { create: { noticeVersion: "2026-12-01", decision: "given" } },
    },
  });
  const bert = await prisma.resident.create({
    data: { locale: "de", homeAreaId: hammah.id, privacyAcceptedAt: now, onboardedAt: now, identities: { create: { id: BERT.telegram, channel: "telegram", displayName: "Bert", privateChatId: String(BERT.user) } } },
  });
  const secondKey = `${second.channel}:${second.privateChatId}`;

  // Conversations and the replies kept with their events.
  await prisma.conversation.create({ data: { key: `telegram:${ERIKA.telegramUser}`, residentId: erika.id, flow: "ideas", step: "title", data: { title: "Bank" }, choices: ["menu:open"] } });
  await prisma.conversation.create({ data: { key: secondKey, residentId: erika.id } });
  await prisma.conversation.create({ data: { key: "telegram:-100777", residentId: erika.id, data: {} } });
  await prisma.processedEvent.create({ data: { id: "telegram:update:9001", identityId: ERIKA.telegram, reply: { locale: "de", messages: [{ html: `Hallo ${ERIKA.telegramName}` }] } } });
  await prisma.processedEvent.create({ data: { id: "telegram:update:9003", identityId: BERT.telegram, reply: { locale: "de", messages: [{ html: "Hallo Bert" }] } } });

  // Inbox leftovers and set-aside events: hers and Bert's.
  await prisma.telegramInboxUpdate.create({ data: { botId: BOT_ID, updateId: 9002n, payload: update(9002, Number(ERIKA.telegramUser), "noch da?") } });
  await prisma.telegramInboxUpdate.create({ data: { botId: BOT_ID, updateId: 9004n, payload: update(9004, BERT.user, "hallo") } });
  await prisma.quarantinedEvent.create({ data: { channel: "telegram", instance: BOT_ID, eventId: "9005", reason: "handling failed: x", payload: JSON.stringify(update(9005, Number(ERIKA.telegramUser), "kaputt")) } });
  await prisma.quarantinedEvent.create({ data: { channel: "telegram", instance: BOT_ID, eventId: "9006", reason: "handling failed: y", payload: JSON.stringify(update(9006, BERT.user, "auch kaputt")) } });
  if (!options.console) {
    await prisma.quarantinedEvent.create({
      data: { channel: "matrix", instance: "@mitreden:example.org", eventId: "$ev1", reason: "handling failed: z", payload: JSON.stringify({ type: "m.room.message", sender: ERIKA.mxid, room_id: ERIKA.matrixRoom, content: { body: "hi" } }) },
    });
  }

  // Linking.
  await prisma.linkCode.create({ data: { code: "ERIKA7Q2", residentId: erika.id, expiresAt: new Date(now.getTime() + 900_000) } });
  await prisma.linkClaim.create({ data: { code: "ERIKA7Q2", identityId: second.id, createdAt: now } });
  await prisma.linkAttempt.create({ data: { identityId: ERIKA.telegram, createdAt: now } });

  // Ideas: hers (approved, with a photo and history) and Bert's, which she supports, follows and reports.
  const photo = await prisma.photo.create({ data: { bytes: Buffer.from([0xff, 0xd8, 0xff, 1]), mimeType: "image/jpeg", ownerResidentId: erika.id } });
  const idea = await prisma.idea.create({
    data: {
      title: "Eine Bank am Dorfteich",
      description: "Zum Ausruhen nach dem Spaziergang.",
      areaId: hammah.id,
      category: "other",
      photoId: photo.id,
      authorId: erika.id,
      status: "approved",
      statusChanges: {
        create: [
          { fromStatus: null, toStatus: "pending", actorIdentity: ERIKA.telegram, actorName: ERIKA.telegramName },
          { fromStatus: "pending", toStatus: "approved", actorIdentity: "telegram:1", actorName: "Moderation" },
        ],
      },
    },
  });
  const bertIdea = await prisma.idea.create({
    data: {
      title: "Mehr Mülleimer",
      description: "Am Spielplatz.",
      areaId: hammah.id,
      category: "other",
      authorId: bert.id,
      status: "approved",
      statusChanges: { create: { fromStatus: "pending", toStatus: "approved", actorIdentity: ERIKA.telegram, actorName: ERIKA.telegramName, reason: "passt" } },
    },
  });
  await prisma.support.create({ data: { ideaId: bertIdea.id, residentId: erika.id } });
  await prisma.support.create({ data: { ideaId: bertIdea.id, residentId: bert.id } });
  await prisma.support.create({ data: { ideaId: idea.id, residentId: bert.id } });
  await prisma.follow.create({ data: { ideaId: bertIdea.id, residentId: erika.id } });
  await prisma.report.create({ data: { targetType: "idea", targetId: bertIdea.id, reporterId: erika.id, reason: "doppelt" } });
  await prisma.report.create({ data: { targetType: "idea", targetId: idea.id, reporterId: bert.id, reason: "unpassend" } });
  // A draft photo, never attached.
  await prisma.photo.create({ data: { bytes: Buffer.from([0xff, 0xd8, 0xff, 2]), mimeType: "image/jpeg", ownerResidentId: erika.id } });

  // An initiative she follows and posts news for, as its manager.
  const initiative = await prisma.initiative.create({ data: { slug: "ffw-hammah-erase", name: "Feuerwehr Hammah", areaId: hammah.id } });
  await prisma.initiativeFollow.create({ data: { residentId: erika.id, initiativeId: initiative.id } });
  const newsPhoto = await prisma.photo.create({ data: { bytes: Buffer.from([0xff, 0xd8, 0xff, 3]), mimeType: "image/jpeg", ownerResidentId: erika.id } });
  const news = await prisma.newsItem.create({
    data: { initiativeId: initiative.id, authorId: ERIKA.telegram, authorResidentId: erika.id, text: "Tag der offenen Tür", place: "Gerätehaus", photoId: newsPhoto.id, status: "published", publishedAt: now },
  });
  await prisma.roleAssignment.create({ data: { identity: ERIKA.telegram, role: "initiative_manager", scope: `initiative:${initiative.id}`, grantedBy: "cli:admin" } });
  await prisma.roleAssignment.create({ data: { identity: ERIKA.telegram, role: "moderator", scope: "*", grantedBy: "cli:admin" } });
  await prisma.roleAssignment.create({ data: { identity: BERT.telegram, role: "initiative_manager", scope: `initiative:${initiative.id}`, grantedBy: ERIKA.telegram } });

  // Surveys: a named one she answered, an anonymous one she answered, an open one she is answering.
  const named = await prisma.survey.create({
    data: { key: "erase-named", title: { de: "Benannt" }, intro: { de: "" }, closesAt: new Date("2027-01-01T00:00:00Z"), status: "open", anonymous: false, questions: { create: { position: 0, type: "text", text: { de: "Warum?" } } } },
    include: { questions: true },
  });
  const anonymous = await prisma.survey.create({
    data: { key: "erase-anon", title: { de: "Anonym" }, intro: { de: "" }, closesAt: new Date("2027-01-01T00:00:00Z"), status: "open", anonymous: true, questions: { create: { position: 0, type: "text", text: { de: "Was?" } } } },
    include: { questions: true },
  });
  await prisma.surveyResponse.create({
    data: { id: "resp-named-erika", surveyId: named.id, residentId: erika.id, submittedAt: now, answers: { create: { id: "ans-named-erika", questionId: named.questions[0]!.id, text: "Weil es schön ist" } } },
  });
  const anon = await prisma.surveyResponse.create({
    data: { id: "resp-anon-1", surveyId: anonymous.id, voterToken: "tok-anon-1", submittedAt: new Date("2026-11-27T00:00:00Z"), answers: { create: { id: "ans-anon-1", questionId: anonymous.questions[0]!.id, text: "Mehr Bänke" } } },
  });
  const open = await prisma.survey.create({ data: { key: "erase-draft", title: { de: "Offen" }, intro: { de: "" }, closesAt: new Date("2027-01-01T00:00:00Z"), status: "open" } });
  await prisma.surveyDraft.create({ data: { surveyId: open.id, residentId: erika.id, position: 1, answers: { "0": "halb fertig" } } });

  // Feeds: preference, digest, subscriptions (her private chat's, and a group's she set up), a pending delivery.
  await prisma.residentFeedPreference.create({ data: { residentId: erika.id, feed: "news", mode: "digest" } });
  const broadcast = await prisma.broadcast.create({ data: { origin: "digest:news:2026-11-27", title: "Neuigkeiten", contents: { create: { locale: "de", html: "Tag der offenen Tür" } } } });
  await prisma.digestRun.create({ data: { residentId: erika.id, day: "2026-11-27", broadcastId: broadcast.id } });
  const sub = await prisma.subscription.create({ data: { channel: "telegram", chatId: ERIKA.telegramUser, feed: "news", createdBy: ERIKA.telegram } });
  await prisma.subscription.create({ data: { channel: "telegram", chatId: "-100777", feed: "ideas", createdBy: ERIKA.telegram } });
  await prisma.delivery.create({ data: { broadcastId: broadcast.id, channel: "telegram", chatId: ERIKA.telegramUser, locale: "de", subscriptionId: sub.id } });
  await prisma.delivery.create({ data: { broadcastId: broadcast.id, channel: "telegram", chatId: String(BERT.user), locale: "de" } });

  // The audit log and the council: acts she took, and acts about her.
  await prisma.auditLog.create({ data: { actorIdentity: ERIKA.telegram, actorName: ERIKA.telegramName, action: "idea.approve", targetType: "idea", targetId: String(bertIdea.id), reason: null } });
  await prisma.auditLog.create({ data: { actorIdentity: second.id, actorName: second.displayName ?? "", action: "resident.link", targetType: "resident", targetId: String(erika.id), reason: `${ERIKA.telegram}, ${second.id}` } });
  await prisma.auditLog.create({ data: { actorIdentity: "telegram:1", actorName: "Moderation", action: "resident.block", targetType: "resident", targetId: String(erika.id), reason: "Beleidigung" } });
  await prisma.councilResult.create({ data: { title: "Ergebnis", text: "Wir empfehlen die Bank.", status: "published", authorIdentity: ERIKA.telegram, authorName: ERIKA.telegramName, reviewerIdentity: "telegram:1", publishedAt: now } });

  return {
    residentId: erika.id,
    bertId: bert.id,
    ideaId: idea.id,
    newsId: news.id,
    bertIdeaId: bertIdea.id,
    anonymousResponseId: anon.id,
    traces: {
      residentId: erika.id,
      texts: [ERIKA.telegram, ERIKA.telegramName, second.id, ...(second.displayName ? [second.displayName] : []), ...(options.console ? [ERIKA.consoleChat] : [ERIKA.mxid, ERIKA.matrixRoom]), secondKey],
      numbers: [ERIKA.telegramUser],
    },
  };
}
