import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assembleFeatures } from "../../../../src/app/create-features.js";
import { createCoreHarness, type CoreHarness, type Person, type Reply } from "../../../support/core-harness.js";
import { silentLogger } from "../../../support/silent-logger.js";

/**
 * Every privileged command that takes an id, sent by someone who may not use it, once with ids
 * that exist and once with ids that do not: the answers must be the same word for word, so that
 * nobody can probe which ideas, residents, news items, surveys or results exist, and nothing may
 * change. Area-scoped staff get the same answer for a missing item and one outside their areas.
 */
let h: CoreHarness;
type IdKind = "idea" | "publicIdea" | "resident" | "news" | "survey" | "result" | "initiative";
type Ids = Record<IdKind, number> & { readonly text: string };
let existing: Ids;
const MISSING = 987_654;
const missing: Ids = {
  idea: MISSING,
  publicIdea: MISSING,
  resident: MISSING,
  news: MISSING,
  survey: MISSING,
  result: MISSING,
  initiative: MISSING,
  text: "ZZZZZZZZZZ",
};

type Who = "resident" | "moderator-elsewhere" | "council-elsewhere" | "admin-elsewhere";
const people: Record<Who, Person> = {
  resident: { channel: "telegram", userId: "5001" },
  "moderator-elsewhere": { channel: "telegram", userId: "5002" },
  "council-elsewhere": { channel: "matrix", userId: "@council:example.org" },
  "admin-elsewhere": { channel: "telegram", userId: "5004" },
};
const inGroup = (p: Person): Person => ({ ...p, chatId: "-5550", chatKind: "group" });

interface Case {
  readonly name: string;
  /** Besides residents without any role: the area-scoped staff this command must also refuse. */
  readonly scoped?: Who;
  readonly run: (p: Person, ids: Ids) => Promise<Reply[]>;
}

const send = (text: (ids: Ids) => string, group = false) => (p: Person, ids: Ids) => h.send(group ? inGroup(p) : p, text(ids));
const press = (action: (ids: Ids) => string) => (p: Person, ids: Ids) => h.press(p, action(ids));

const cases: Case[] = [
  { name: "/approve", scoped: "moderator-elsewhere", run: send((i) => `/approve ${i.idea}`) },
  { name: "/reject", scoped: "moderator-elsewhere", run: send((i) => `/reject ${i.idea} off-topic`) },
  { name: "/hide", scoped: "moderator-elsewhere", run: send((i) => `/hide ${i.publicIdea} insulting`) },
  { name: "/block", scoped: "moderator-elsewhere", run: send((i) => `/block ${i.resident} abuse`) },
  { name: "mod:ok button", scoped: "moderator-elsewhere", run: press((i) => `mod:ok:${i.idea}`) },
  { name: "mod:no button", scoped: "moderator-elsewhere", run: press((i) => `mod:no:${i.idea}`) },
  { name: "/rank", scoped: "council-elsewhere", run: send((i) => `/rank ${i.publicIdea} 2`) },
  { name: "/prioritise", scoped: "council-elsewhere", run: send((i) => `/prioritise ${i.publicIdea}`) },
  { name: "/workshop", scoped: "council-elsewhere", run: send((i) => `/workshop ${i.publicIdea}`) },
  { name: "/decide", scoped: "council-elsewhere", run: send((i) => `/decide ${i.publicIdea} accept Will be built.`) },
  { name: "/implemented", scoped: "council-elsewhere", run: send((i) => `/implemented ${i.publicIdea} Done.`) },
  { name: "/progress", scoped: "council-elsewhere", run: send((i) => `/progress ${i.publicIdea} Planning.`) },
  { name: "/publishresult", run: send((i) => `/publishresult ${i.result}`) },
  { name: "council:pub button", run: press((i) => `council:pub:${i.result}`) },
  { name: "/news_approve", scoped: "moderator-elsewhere", run: send((i) => `/news_approve ${i.news}`) },
  { name: "/reject_news", scoped: "moderator-elsewhere", run: send((i) => `/reject_news ${i.news} advertising`) },
  { name: "newsmod:ok button", scoped: "moderator-elsewhere", run: press((i) => `newsmod:ok:${i.news}`) },
  { name: "newsmod:no button", scoped: "moderator-elsewhere", run: press((i) => `newsmod:no:${i.news}`) },
  { name: "/survey_open", scoped: "admin-elsewhere", run: send((i) => `/survey_open ${i.survey}`) },
  { name: "/survey_close", scoped: "admin-elsewhere", run: send((i) => `/survey_close ${i.survey}`) },
  { name: "/survey_publish", scoped: "admin-elsewhere", run: send((i) => `/survey_publish ${i.survey}`) },
  { name: "/survey_results", scoped: "admin-elsewhere", run: send((i) => `/survey_results ${i.survey}`) },
  { name: "/survey_announce", scoped: "admin-elsewhere", run: send((i) => `/survey_announce ${i.survey}`, true) },
  { name: "/survey_publish_text", scoped: "admin-elsewhere", run: send((i) => `/survey_publish_text ${i.text}`) },
  { name: "initiatives:post button", run: press((i) => `initiatives:post:${i.initiative}`) },
  { name: "/audit", run: send(() => "/audit 5") },
];

/** Everything a refused command could have changed. */
async function snapshot() {
  const db = h.db.prisma;
  return {
    ideas: await db.idea.findMany({ orderBy: { id: "asc" }, select: { id: true, status: true, priorityRank: true } }),
    residents: await db.resident.findMany({ orderBy: { id: "asc" }, select: { id: true, blockedAt: true } }),
    news: await db.newsItem.findMany({ orderBy: { id: "asc" }, select: { id: true, status: true } }),
    surveys: await db.survey.findMany({ orderBy: { id: "asc" }, select: { id: true, status: true } }),
    texts: await db.surveyAnswer.findMany({ orderBy: { id: "asc" }, select: { id: true, textPublished: true } }),
    results: await db.councilResult.findMany({ orderBy: { id: "asc" }, select: { id: true, status: true } }),
    audit: await db.auditLog.count(),
    broadcasts: await db.broadcast.count(),
    notes: await db.ideaStatusChange.count(),
  };
}

/** The answer with the asked-for id blanked, since area staff are told which number they asked for. */
const answer = (replies: readonly Reply[], ids: Ids) =>
  replies.map((r) => ({
    text: Object.values(ids).reduce<string>((text, id) => text.replaceAll(String(id), "<id>"), r.text),
    choices: r.choices.map((c) => c.label),
  }));

beforeAll(async () => {
  h = await createCoreHarness({
    features: (context) =>
      assembleFeatures({ ...context, logger: silentLogger, organiser: "Samtgemeinde Oldendorf-Himmelpforten" }).features,
  });
  const db = h.db.prisma;
  for (const who of Object.keys(people) as Who[]) await h.onboard(people[who], { locale: "en", areaName: "Oldendorf" });
  const grant = (p: Person, role: string) =>
    db.roleAssignment.create({ data: { identity: `${p.channel}:${p.userId}`, role, scope: "area:oldendorf", grantedBy: "test" } });
  await grant(people["moderator-elsewhere"], "moderator");
  await grant(people["council-elsewhere"], "council");
  await grant(people["admin-elsewhere"], "admin");
  const author: Person = { channel: "telegram", userId: "5010" };
  await h.onboard(author, { areaName: "Hammah" });
  const authorId = (await db.identity.findUniqueOrThrow({ where: { id: "telegram:5010" } })).residentId;
  const hammah = (await db.area.findUniqueOrThrow({ where: { slug: "hammah" } })).id;
  const idea = (status: string) =>
    db.idea.create({ data: { title: "Bücherschrank", description: "Am Dorfplatz.", category: "community", areaId: hammah, authorId, status } });
  const initiative = await db.initiative.create({ data: { slug: "sv-hammah", name: "SV Hammah", areaId: hammah } });
  const survey = await db.survey.create({
    data: { key: "hammah-spielplatz", title: { de: "Spielplatz" }, intro: { de: "Kurz" }, areaId: hammah, closesAt: new Date("2027-01-01"), status: "open" },
  });
  const question = await db.surveyQuestion.create({ data: { surveyId: survey.id, position: 0, type: "text", text: { de: "Wünsche?" } } });
  await db.surveyResponse.create({ data: { id: "RESP000001", surveyId: survey.id, residentId: authorId, submittedAt: new Date() } });
  await db.surveyAnswer.create({ data: { id: "TEXT000001", responseId: "RESP000001", questionId: question.id, text: "Eine Schaukel" } });
  existing = {
    text: "TEXT000001",
    idea: (await idea("pending")).id,
    publicIdea: (await idea("approved")).id,
    resident: authorId,
    news: (await db.newsItem.create({ data: { initiativeId: initiative.id, authorId: "telegram:5010", text: "Sommerfest", status: "pending" } })).id,
    survey: survey.id,
    result: (await db.councilResult.create({ data: { title: "Zwischenstand", text: "Beraten.", authorIdentity: "telegram:1", authorName: "Rat" } })).id,
    initiative: initiative.id,
  };
}, 120_000);
afterAll(async () => h.dispose());

describe("privileged commands refuse in one answer, whether the id exists or not", () => {
  for (const c of cases) {
    for (const who of ["resident", ...(c.scoped ? [c.scoped] : [])] as Who[]) {
      it(`${c.name} by ${who}`, async () => {
        const before = await snapshot();
        const withExisting = answer(await c.run(people[who], existing), existing);
        const withMissing = answer(await c.run(people[who], missing), missing);
        expect(withExisting.length).toBeGreaterThan(0);
        expect(withExisting).toEqual(withMissing);
        expect(await snapshot()).toEqual(before);
      });
    }
  }
});
