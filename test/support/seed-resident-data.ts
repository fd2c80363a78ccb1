/**
 * One of every kind of datum mitreden stores about a resident, written straight into the
 * database for tests of the data export (and, with the same seeding, of erasure). Also writes
 * data of someone else and an anonymous survey response, which an export must not contain.
 */
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "../../src/storage/generated/prisma/client.js";
import { tinyJpeg } from "./tiny-jpeg.js";

export interface SeededResidentData {
  readonly residentId: number;
  /** A second identity added to the resident (Matrix), with its own private chat. */
  readonly matrixIdentity: string;
  readonly matrixRoom: string;
  readonly ideaId: number;
  readonly otherIdeaId: number;
  readonly newsId: number;
  readonly photoId: number;
  readonly photoBytes: Uint8Array;
  readonly initiativeId: number;
  readonly namedSurveyId: number;
  readonly anonymousSurveyId: number;
  /** Texts that appear only in the resident's data: each must show up in their export. */
  readonly markers: Readonly<Record<string, string>>;
  /** Texts of others' data and of the anonymous response: none may show up in the export. */
  readonly foreign: readonly string[];
}

/**
 * Seeds everything for `residentId`, whose first identity is `identityId`. `tag` keeps names
 * unique when several residents are seeded into one database.
 *
 * @example
 * const seeded = await seedResidentData(prisma, resident.id, "telegram:4711");
 */
export async function seedResidentData(prisma: PrismaClient, residentId: number, identityId: string, tag = randomBytes(3).toString("hex")): Promise<SeededResidentData> {
  const hammah = await prisma.area.findUniqueOrThrow({ where: { slug: "hammah" } });
  const markers = {
    displayName: `Anna Export ${tag}`,
    ideaTitle: `Bank am Dorfteich ${tag}`,
    ideaDescription: `Eine Bank zum Ausruhen ${tag}`,
    moderatorReason: `Gute Idee ${tag}`,
    otherIdeaTitle: `Radweg nach Burweg ${tag}`,
    reportReason: `Beleidigend ${tag}`,
    newsText: `Sommerfest der Feuerwehr ${tag}`,
    initiativeName: `Feuerwehr Hammah ${tag}`,
    surveyAnswerText: `Mehr Bänke bitte ${tag}`,
    draftText: `Angefangen ${tag}`,
    linkCode: `LINK${tag.toUpperCase()}`,
    conversationFlow: `ideas`,
    broadcastTitle: `Neue Umfrage ${tag}`,
    auditReason: `Spam ${tag}`,
    matrixIdentity: `matrix:@anna-${tag}:example.org`,
    consentVersion: `2026-12-01-${tag}`,
  };
  const foreign = [`Geheime anonyme Antwort ${tag}`, `Fremde Idee ${tag}`, `Fremder Grund ${tag}`, `Fremdes Protokoll ${tag}`];
  const matrixRoom = `!dm-${tag}:example.org`;
  const groupChat = `-100${parseInt(tag, 16) || 1}`;

  await prisma.resident.update({ where: { id: residentId }, data: { locale: "en", homeAreaId: hammah.id, privacyVersion: markers.consentVersion, onboardedAt: new Date("2026-11-01T10:00:00Z") } });
  await prisma.identity.update({ where: { id: identityId }, data: { displayName: markers.displayName } });
  await prisma.identity.create({ data: { id: markers.matrixIdentity, channel: "matrix", residentId, displayName: markers.displayName, privateChatId: matrixRoom } });
  const other = await prisma.resident.create({ data: { locale: "de", identities: { create: { id: `telegram:9${parseInt(tag, 16) || 1}`, channel: "telegram", displayName: `Bert ${tag}` } } } });

  const initiative = await prisma.initiative.create({ data: { slug: `feuerwehr-${tag}`, name: markers.initiativeName, areaId: hammah.id } });
  await prisma.roleAssignment.create({ data: { identity: markers.matrixIdentity, role: "initiative_manager", scope: `initiative:${initiative.id}`, grantedBy: "cli:test" } });
  for (const [decision, at] of [["given", "2026-11-01T10:00:00Z"], ["withdrawn", "2026-11-10T10:00:00Z"], ["given", "2026-11-11T10:00:00Z"]] as const) {
    await prisma.consentRecord.create({ data: { residentId, noticeVersion: markers.consentVersion, decision, createdAt: new Date(at) } });
  }

  const photoBytes = tinyJpeg(32, 24, "Bank");
  const photo = await prisma.photo.create({ data: { bytes: Uint8Array.from(photoBytes), mimeType: "image/jpeg", ownerResidentId: residentId } });
  const idea = await prisma.idea.create({
    data: { title: markers.ideaTitle, description: markers.ideaDescription, category: "other", areaId: hammah.id, authorId: residentId, photoId: photo.id, status: "approved" },
  });
  await prisma.ideaStatusChange.create({ data: { ideaId: idea.id, fromStatus: null, toStatus: "pending", actorIdentity: identityId, actorName: markers.displayName } });
  await prisma.ideaStatusChange.create({ data: { ideaId: idea.id, fromStatus: "pending", toStatus: "approved", actorIdentity: "telegram:777", actorName: "Moderatorin Mona", reason: markers.moderatorReason } });
  const otherIdea = await prisma.idea.create({ data: { title: markers.otherIdeaTitle, description: foreign[1]!, category: "other", authorId: other.id, status: "approved" } });
  await prisma.support.create({ data: { ideaId: otherIdea.id, residentId } });
  await prisma.follow.create({ data: { ideaId: otherIdea.id, residentId } });
  await prisma.support.create({ data: { ideaId: idea.id, residentId: other.id } });
  await prisma.initiativeFollow.create({ data: { residentId, initiativeId: initiative.id } });
  await prisma.report.create({ data: { targetType: "idea", targetId: otherIdea.id, reporterId: residentId, reason: markers.reportReason } });
  await prisma.report.create({ data: { targetType: "idea", targetId: idea.id, reporterId: other.id, reason: foreign[2]! } });
  const news = await prisma.newsItem.create({ data: { initiativeId: initiative.id, authorId: markers.matrixIdentity, authorResidentId: residentId, text: markers.newsText, status: "published", publishedAt: new Date() } });

  const survey = (key: string, anonymous: boolean) =>
    prisma.survey.create({
      data: {
        key: `${key}-${tag}`,
        title: { de: `Umfrage ${key}`, en: `Survey ${key}` },
        intro: { de: "", en: "" },
        closesAt: new Date("2027-01-01T00:00:00Z"),
        status: "open",
        anonymous,
        questions: {
          create: [
            { position: 0, type: "single", text: { de: "Wo?", en: "Where?" }, options: { create: [{ position: 0, label: { de: "Am Teich", en: "By the pond" } }] } },
            { position: 1, type: "text", text: { de: "Was noch?", en: "What else?" }, required: false },
          ],
        },
      },
      include: { questions: { include: { options: true }, orderBy: { position: "asc" } } },
    });
  const named = await survey("named", false);
  const anonymous = await survey("anon", true);
  await prisma.surveyResponse.create({
    data: {
      id: `r-${tag}`,
      surveyId: named.id,
      residentId,
      submittedAt: new Date(),
      answers: {
        create: [
          { id: `a1-${tag}`, questionId: named.questions[0]!.id, optionId: named.questions[0]!.options[0]!.id },
          { id: `a2-${tag}`, questionId: named.questions[1]!.id, text: markers.surveyAnswerText },
        ],
      },
    },
  });
  await prisma.surveyResponse.create({
    data: {
      id: `anon-${tag}`,
      surveyId: anonymous.id,
      voterToken: `token-${tag}`,
      submittedAt: new Date("2026-11-20T00:00:00Z"),
      answers: { create: [{ id: `anon-a-${tag}`, questionId: anonymous.questions[1]!.id, text: foreign[0]! }] },
    },
  });
  await prisma.surveyDraft.create({ data: { surveyId: anonymous.id, residentId, position: 1, answers: { "1": { text: markers.draftText } } } });

  await prisma.linkCode.create({ data: { code: markers.linkCode, residentId, expiresAt: new Date(Date.now() + 600_000) } });
  await prisma.linkAttempt.create({ data: { identityId, createdAt: new Date() } });
  await prisma.linkClaim.create({ data: { code: `CLAIM${tag.toUpperCase()}`, identityId: markers.matrixIdentity, createdAt: new Date() } });
  await prisma.residentFeedPreference.create({ data: { residentId, feed: "news", mode: "digest" } });
  await prisma.digestRun.create({ data: { residentId, day: "2026-11-26", broadcastId: 1 } });
  await prisma.subscription.create({ data: { channel: "matrix", chatId: matrixRoom, feed: "results", createdBy: markers.matrixIdentity } });
  await prisma.subscription.create({ data: { channel: "telegram", chatId: groupChat, feed: "news", createdBy: identityId } });
  await prisma.conversation.create({ data: { key: `matrix:${matrixRoom}`, residentId, flow: markers.conversationFlow, step: "title", data: { draft: markers.ideaTitle } } });
  const broadcast = await prisma.broadcast.create({ data: { origin: `survey:${named.id}:opened`, title: markers.broadcastTitle } });
  await prisma.delivery.create({ data: { broadcastId: broadcast.id, channel: "matrix", chatId: matrixRoom, locale: "en", status: "pending" } });
  await prisma.delivery.create({ data: { broadcastId: broadcast.id, channel: "telegram", chatId: groupChat, locale: "de", status: "sent" } });

  await prisma.auditLog.create({ data: { actorIdentity: identityId, actorName: markers.displayName, action: "resident.link", targetType: "resident", targetId: String(residentId), reason: markers.matrixIdentity } });
  await prisma.auditLog.create({ data: { actorIdentity: "telegram:777", actorName: "Moderatorin Mona", action: "idea.approve", targetType: "idea", targetId: String(idea.id), reason: null } });
  await prisma.auditLog.create({ data: { actorIdentity: "telegram:777", actorName: "Moderatorin Mona", action: "news.approve", targetType: "news", targetId: String(news.id), reason: markers.auditReason } });
  await prisma.auditLog.create({ data: { actorIdentity: "telegram:777", actorName: "Moderatorin Mona", action: "idea.reject", targetType: "idea", targetId: String(otherIdea.id), reason: foreign[3]! } });

  return {
    residentId,
    matrixIdentity: markers.matrixIdentity,
    matrixRoom,
    ideaId: idea.id,
    otherIdeaId: otherIdea.id,
    newsId: news.id,
    photoId: photo.id,
    photoBytes,
    initiativeId: initiative.id,
    namedSurveyId: named.id,
    anonymousSurveyId: anonymous.id,
    markers,
    foreign,
  };
}
