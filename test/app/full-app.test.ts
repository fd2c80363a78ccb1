/**
 * The whole application at the core level: assembleFeatures (surveys, ideas with moderation and
 * the council, initiatives, subscriptions, the real outbox publisher) plus assembleCore on a
 * migrated test database, without channels. Groups subscribe to feeds; opening a survey, approving
 * an idea and publishing a council result each write one pending Delivery row per subscribed chat
 * in the same unit of work as the change itself.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assembleFeatures } from "../../src/app/create-features.js";
import type { InboundEvent } from "../../src/core/model/inbound-event.js";
import { createSurveyStore } from "../../src/storage/stores/survey-store.js";
import { createCoreHarness, type CoreHarness, type Person, type Reply } from "../support/core-harness.js";
import { silentLogger } from "../support/silent-logger.js";

const admin: Person = { channel: "telegram", userId: "7001" };
const anna: Person = { channel: "telegram", userId: "7002" };
const jens: Person = { channel: "telegram", userId: "7003" }; // council
const maria: Person = { channel: "telegram", userId: "7004" }; // council
const groups = { surveys: "-7100", results: "-7200", ideas: "-7300", elsewhere: "-7400" } as const;

const text = (replies: readonly Reply[]) => replies.map((r) => r.text).join("\n---\n");

let h: CoreHarness;
let sequence = 0;

beforeAll(async () => {
  h = await createCoreHarness({
    features: ({ access, stores, translator, clock }) =>
      assembleFeatures({ access, stores, translator, clock, logger: silentLogger, organiser: "Samtgemeinde" }).features,
  });
  for (const person of [admin, anna, jens, maria]) await h.onboard(person);
  const grant = (person: Person, role: string) =>
    h.db.prisma.roleAssignment.create({ data: { identity: `telegram:${person.userId}`, role, scope: "*", grantedBy: "test" } });
  await grant(admin, "admin");
  await grant(jens, "council");
  await grant(maria, "council");
}, 120_000);
afterAll(async () => h?.dispose());

/** A command in a Telegram group, sent by one of the group's admins (as the channel would tell). */
function inGroup(chatId: string, command: string): Promise<Reply[]> {
  const event: InboundEvent = {
    eventId: `telegram:full-app:${++sequence}`,
    channel: "telegram",
    chat: { id: chatId, kind: "group", title: `Group ${chatId}` },
    senderId: `telegram:${admin.userId}`,
    senderName: "Admin",
    senderIsChatAdmin: true,
    payload: { type: "text", text: command },
    receivedAt: h.clock.now(),
  };
  return h.deliver(event);
}

/** Deliveries of the broadcast with this origin, as rows. */
async function deliveriesOf(origin: string) {
  const broadcast = await h.db.prisma.broadcast.findFirst({ where: { origin }, include: { deliveries: true } });
  return broadcast?.deliveries ?? [];
}

async function areaId(slug: string): Promise<number> {
  const area = await h.stores.areas.bySlug(slug);
  if (!area) throw new Error(`no area ${slug}`);
  return area.id;
}

describe("the assembled application", () => {
  beforeAll(async () => {
    expect(text(await inGroup(groups.surveys, "/subscribe surveys hammah"))).toContain("Hammah");
    await inGroup(groups.results, "/subscribe results");
    await inGroup(groups.ideas, "/subscribe ideas hammah");
    // Subscribed to every feed, but for another village: hears of none of the Hammah items below.
    for (const feed of ["surveys", "ideas"]) await inGroup(groups.elsewhere, `/subscribe ${feed} oldendorf`);
    expect(await h.db.prisma.subscription.count({ where: { active: true } })).toBe(5);
  });

  it("writes a pending delivery for the surveys group when an admin opens a survey for its village", async () => {
    const store = createSurveyStore(h.access);
    const survey = await h.access.run(() =>
      areaId("hammah").then((hammah) =>
        store.create({
          key: "full-app-dorfladen",
          title: { de: "Dorfladen", en: "Village shop" },
          intro: { de: "Brauchen wir einen Dorfladen?", en: "Do we need a village shop?" },
          areaId: hammah,
          opensAt: null,
          closesAt: new Date(h.clock.now().getTime() + 14 * 86_400_000),
          anonymous: true,
          allowChange: false,
          liveResults: false,
          questions: [{ type: "yesno", text: { de: "Brauchen wir ihn?", en: "Do we need it?" }, required: true }],
        }),
      ),
    );
    expect(await deliveriesOf(`survey:${survey.id}:opened`)).toEqual([]);

    const opened = await h.send(admin, `/survey_open ${survey.id}`);
    expect(text(opened)).toContain("Dorfladen");
    const rows = await deliveriesOf(`survey:${survey.id}:opened`);
    expect(rows.map((r) => [r.channel, r.chatId, r.status])).toEqual([["telegram", groups.surveys, "pending"]]);
    expect((await h.db.prisma.survey.findUniqueOrThrow({ where: { id: survey.id } })).status).toBe("open");

    // Opening again changes nothing and publishes nothing.
    await h.send(admin, `/survey_open ${survey.id}`);
    expect(await deliveriesOf(`survey:${survey.id}:opened`)).toHaveLength(1);
  });

  let ideaId = 0;

  it("writes a pending delivery for the ideas group when a moderator approves an idea, not before", async () => {
    await h.send(anna, "/idea");
    await h.send(anna, "Sitzbänke am Wanderweg");
    const areaPrompt = await h.send(anna, "Entlang des Wanderwegs an der Oste fehlen Bänke zum Ausruhen.");
    await h.press(anna, areaPrompt.at(-1)!.choices[0]!.action);
    await h.press(anna, "ideas:cat:community");
    await h.press(anna, "ideas:nophoto");
    const sent = await h.press(anna, "ideas:send");
    ideaId = Number(/#(\d+)/.exec(sent[0]!.text)![1]);
    expect(await deliveriesOf(`idea:${ideaId}:published`)).toEqual([]);

    const approved = await h.send(admin, `/approve ${ideaId}`);
    expect(text(approved)).toContain("freigegeben");
    const rows = await deliveriesOf(`idea:${ideaId}:published`);
    expect(rows.map((r) => [r.channel, r.chatId, r.status])).toEqual([["telegram", groups.ideas, "pending"]]);
    const content = await h.db.prisma.broadcastContent.findFirstOrThrow({
      where: { broadcastId: rows[0]!.broadcastId, locale: "de" },
    });
    expect(content.html).toContain(`Neue Idee #${ideaId}: Sitzbänke am Wanderweg`);
    expect(content.html).toContain(`/start idea_${ideaId}`);
    expect(content.choices).toEqual([[{ label: "Idee öffnen", action: `deeplink:idea_${ideaId}` }]]);
    // The author's own notice goes to her private chat, separately.
    const notice = await deliveriesOf(`idea:${ideaId}:approved`);
    expect(notice.map((r) => r.chatId)).toEqual([anna.userId]);

    // A rejected idea never reaches the feed.
    await h.send(anna, "/idea");
    await h.send(anna, "Parkplatz am Sportplatz");
    const second = await h.send(anna, "Am Sportplatz in Hammah fehlen Parkplätze für Gäste.");
    await h.press(anna, second.at(-1)!.choices[0]!.action);
    await h.press(anna, "ideas:cat:traffic");
    await h.press(anna, "ideas:nophoto");
    const secondId = Number(/#(\d+)/.exec((await h.press(anna, "ideas:send"))[0]!.text)![1]);
    await h.send(admin, `/reject ${secondId} Doppelt`);
    expect(await deliveriesOf(`idea:${secondId}:published`)).toEqual([]);
  });

  it("writes a pending delivery for the results group when the council publishes a result", async () => {
    await h.send(jens, "/result");
    await h.send(jens, "Bänke am Wanderweg kommen");
    await h.send(jens, "Der Bürgerrat empfiehlt drei Bänke; die Gemeinde setzt das im Frühjahr um.");
    const drafted = await h.send(jens, `Idee ${ideaId}`);
    const resultId = Number(/#(\d+)/.exec(drafted[0]!.text)![1]);
    expect(await deliveriesOf(`result:${resultId}:published`)).toEqual([]);

    expect(text(await h.send(maria, `/publishresult ${resultId}`))).toContain("veröffentlicht");
    const rows = await deliveriesOf(`result:${resultId}:published`);
    expect(rows.map((r) => [r.channel, r.chatId, r.status])).toEqual([["telegram", groups.results, "pending"]]);
  });

  it("lets only a chat's admins change its subscriptions", async () => {
    const event: InboundEvent = {
      eventId: `telegram:full-app:${++sequence}`,
      channel: "telegram",
      chat: { id: groups.results, kind: "group" },
      senderId: `telegram:${anna.userId}`,
      senderIsChatAdmin: false,
      payload: { type: "text", text: "/unsubscribe results" },
      receivedAt: h.clock.now(),
    };
    await h.deliver(event);
    expect(await h.db.prisma.subscription.count({ where: { chatId: groups.results, active: true } })).toBe(1);
  });
});
