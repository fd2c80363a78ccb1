import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONSENT_WITHDRAWN_ERROR } from "../../../../src/core/ports/consent.js";
import { splitOutbound, visibleLength } from "../../../../src/core/render/split-message.js";
import { createDigestJob } from "../../../../src/storage/outbox/digest-job.js";
import { createOutboxPublisher } from "../../../../src/storage/outbox/publisher.js";
import { createCoreHarness, NO_BUTTONS, type CoreHarness, type Person, type Reply } from "../../../support/core-harness.js";
import { silentLogger } from "../../../support/silent-logger.js";
import { fullFeatures } from "../../../e2e/hostile/full-features.js";

let h: CoreHarness;
const anna: Person = { channel: "telegram", userId: "7001" };
const bert: Person = { channel: "telegram", userId: "7002" };
const carla: Person = { channel: "matrix", userId: "@carla7:example.org" };
const dora: Person = { channel: "telegram", userId: "7004" };
const annaInGroup: Person = { ...anna, chatId: "-7000", chatKind: "group" };
const bertInGroup: Person = { ...bert, chatId: "-7000", chatKind: "group" };
let ideaId: number;
let initiativeId: number;

const all = (replies: readonly Reply[]) => replies.map((r) => r.text).join("\n\n");
const actions = (replies: readonly Reply[]) => replies.flatMap((r) => r.choices.map((c) => c.action));
const residentOf = async (person: Person) =>
  (await h.db.prisma.identity.findUniqueOrThrow({ where: { id: `${person.channel}:${person.userId}` }, include: { resident: true } })).resident;
const consentsOf = async (person: Person) =>
  (await h.db.prisma.consentRecord.findMany({ where: { residentId: (await residentOf(person)).id }, orderBy: { id: "asc" } })).map(
    (c) => [c.noticeVersion, c.decision],
  );

beforeAll(async () => {
  h = await createCoreHarness({ features: fullFeatures });
  for (const person of [anna, bert, dora]) await h.onboard(person);
  await h.onboard(carla, { locale: "en" });
  const hammah = await h.db.prisma.area.findUniqueOrThrow({ where: { slug: "hammah" } });
  ideaId = (
    await h.db.prisma.idea.create({ data: { title: "Bank am Teich", description: "Zum Ausruhen.", category: "other", areaId: hammah.id, status: "approved" } })
  ).id;
  initiativeId = (await h.db.prisma.initiative.create({ data: { slug: "ffw-hammah-7", name: "Feuerwehr Hammah", areaId: hammah.id } })).id;
}, 120_000);
afterAll(async () => h.dispose());

describe("the privacy notice", () => {
  it("names controller, contact, purposes, legal basis, messengers, recipients, periods, every right and the authority", async () => {
    const replies = await h.send(anna, "/privacy");
    const notice = replies[0]!.text;
    for (const part of [
      "Fassung 2026-12-01",
      "Samtgemeinde Oldendorf-Himmelpforten, Am Markt 1, 21709 Himmelpforten",
      "datenschutz@example.org",
      "Art. 6 Abs. 1 lit. a",
      "Art. 9 Abs. 2 lit. a",
      "außerhalb der EU",
      "Homeserver",
      "Moderatorinnen und Moderatoren",
      "Bürgerrat",
      "Wie lange",
      "Auskunft",
      "Berichtigung",
      "Löschung",
      "Einschränkung",
      "Widerspruch",
      "Widerruf",
      "/mydata",
      "/delete",
      "Die Landesbeauftragte für den Datenschutz Niedersachsen, Prinzenstraße 5, 30159 Hannover",
    ]) {
      expect(notice, part).toContain(part);
    }
  });

  it("is complete in English, with Matrix's command prefix", async () => {
    const notice = (await h.send(carla, "!privacy", { ...NO_BUTTONS, commandPrefix: "!" }))[0]!.text;
    for (const part of ["version 2026-12-01", "Art. 6(1)(a)", "Art. 9(2)(a)", "outside the EU", "homeserver", "!mydata", "!delete", "objection", "Withdrawal of consent", "Prinzenstraße 5"]) {
      expect(notice, part).toContain(part);
    }
  });

  it("records the consent given at onboarding with the notice version", async () => {
    expect(await consentsOf(anna)).toEqual([["2026-12-01", "given"]]);
    const resident = await residentOf(anna);
    expect(resident.privacyVersion).toBe("2026-12-01");
    expect(resident.privacyWithdrawnAt).toBeNull();
  });
});

describe("Settings → Privacy", () => {
  it("is reached from the settings and offers withdrawal, a copy of the data, erasure and back", async () => {
    const settings = await h.send(anna, "/settings");
    expect(actions(settings)).toContain("privacy:open");
    const screen = await h.press(anna, "privacy:open");
    expect(screen[0]!.text).toContain("Datenschutzhinweis");
    expect(screen[1]!.text).toContain("Sie haben der Fassung 2026-12-01 am");
    expect(screen[1]!.choices.map((c) => c.action)).toEqual(["privacy:withdraw", "mydata:send", "erase:ask", "settings:open"]);
  });

  it("explains what a withdrawal does before doing it, and cancelling changes nothing", async () => {
    const ask = await h.press(anna, "privacy:withdraw");
    expect(ask[0]!.text).toContain("keine Nachrichten mehr");
    expect(ask[0]!.text).toContain("bleibt erhalten");
    expect(ask[0]!.text).toContain("Mein Konto löschen");
    expect(ask[0]!.choices.map((c) => c.action)).toEqual(["privacy:withdraw-confirm", "privacy:cancel"]);
    const cancelled = await h.press(anna, "privacy:cancel");
    expect(cancelled[0]!.text).toContain("Nichts geändert");
    expect((await residentOf(anna)).privacyWithdrawnAt).toBeNull();
    expect(await consentsOf(anna)).toEqual([["2026-12-01", "given"]]);
  });
});

describe("withdrawing consent", () => {
  let pendingToAnna: number;
  let sendingToAnna: number;
  let pendingToBert: number;

  beforeAll(async () => {
    // What a withdrawal must end: follows of an idea and an initiative, a feed preference, a
    // subscription of her own private chat, and messages still waiting for her.
    expect(all(await h.press(anna, `ideas:fol:${ideaId}`))).toContain("Sie folgen jetzt");
    await h.press(anna, `initiatives:follow:${initiativeId}`);
    await h.press(anna, "initiatives:setmode:digest");
    await h.db.prisma.subscription.create({ data: { channel: "telegram", chatId: "7001", feed: "news", createdBy: "telegram:7001" } });
    await h.db.prisma.subscription.create({ data: { channel: "telegram", chatId: "-7000", feed: "news", createdBy: "telegram:7001" } });
    const publisher = createOutboxPublisher({ access: h.access, clock: h.clock });
    const annaId = (await residentOf(anna)).id;
    const bertId = (await residentOf(bert)).id;
    const receipt = await h.access.run(() =>
      publisher.publish({ audience: { kind: "residents", residentIds: [annaId, bertId] }, origin: "test:before", title: "vorher", content: () => ({ html: "Vorher" }) }),
    );
    const rows = await h.db.prisma.delivery.findMany({ where: { broadcastId: receipt.broadcastId } });
    pendingToAnna = rows.find((r) => r.chatId === "7001")!.id;
    pendingToBert = rows.find((r) => r.chatId === "7002")!.id;
    const second = await h.access.run(() =>
      publisher.publish({ audience: { kind: "residents", residentIds: [annaId] }, origin: "test:sending", title: "im Versand", content: () => ({ html: "x" }) }),
    );
    sendingToAnna = (await h.db.prisma.delivery.findFirstOrThrow({ where: { broadcastId: second.broadcastId } })).id;
    await h.db.prisma.delivery.update({ where: { id: sendingToAnna }, data: { status: "sending", leaseOwner: "test", leaseUntil: new Date(Date.now() + 60_000) } });
  });

  it("records it and ends her follows, subscriptions, preferences and waiting messages in one go", async () => {
    await h.press(anna, "privacy:withdraw");
    const done = await h.press(anna, "privacy:withdraw-confirm");
    const text = done[0]!.text;
    expect(text).toContain("Ihre Einwilligung ist widerrufen.");
    expect(text).toContain("2 Abos von Ideen und Initiativen sind beendet.");
    expect(text).toContain("Ein Abo Ihres privaten Chats ist beendet.");
    expect(text).toContain("Eine noch nicht zugestellte Nachricht wird nicht mehr gesendet.");
    expect(done[0]!.choices.map((c) => c.action)).toEqual(["privacy:agree", "mydata:send", "erase:ask"]);

    const resident = await residentOf(anna);
    expect(resident.privacyWithdrawnAt).not.toBeNull();
    expect(resident.privacyVersion).toBeNull();
    expect(resident.privacyAcceptedAt).not.toBeNull();
    expect(await consentsOf(anna)).toEqual([
      ["2026-12-01", "given"],
      ["2026-12-01", "withdrawn"],
    ]);
    const db = h.db.prisma;
    // The request is recorded in the audit log, as her own act on her account.
    expect(await db.auditLog.findMany({ where: { action: "consent.withdraw" }, select: { actorIdentity: true, targetType: true, targetId: true } })).toEqual([
      { actorIdentity: "telegram:7001", targetType: "resident", targetId: String(resident.id) },
    ]);
    expect(await db.follow.count({ where: { residentId: resident.id } })).toBe(0);
    expect(await db.initiativeFollow.count({ where: { residentId: resident.id } })).toBe(0);
    expect(await db.residentFeedPreference.count({ where: { residentId: resident.id } })).toBe(0);
    expect((await db.subscription.findFirstOrThrow({ where: { chatId: "7001" } })).active).toBe(false);
    // A group she subscribed is the group's, not hers.
    expect((await db.subscription.findFirstOrThrow({ where: { chatId: "-7000" } })).active).toBe(true);
    expect(await db.delivery.findUniqueOrThrow({ where: { id: pendingToAnna } })).toMatchObject({ status: "failed", lastError: CONSENT_WITHDRAWN_ERROR });
    expect((await db.delivery.findUniqueOrThrow({ where: { id: sendingToAnna } })).status).toBe("sending");
    expect((await db.delivery.findUniqueOrThrow({ where: { id: pendingToBert } })).status).toBe("pending");
  });

  it("leaves her out of every push to residents, initiative followers and the digest", async () => {
    const db = h.db.prisma;
    const annaId = (await residentOf(anna)).id;
    const bertId = (await residentOf(bert)).id;
    // Even rows that somehow came back (written by an older process) reach nobody who withdrew.
    await db.initiativeFollow.createMany({ data: [{ residentId: annaId, initiativeId }, { residentId: bertId, initiativeId }] });
    await db.residentFeedPreference.create({ data: { residentId: annaId, feed: "news", mode: "digest" } });
    const publisher = createOutboxPublisher({ access: h.access, clock: h.clock });
    const residents = await h.access.run(() =>
      publisher.publish({ audience: { kind: "residents", residentIds: [annaId, bertId] }, origin: "test:after", title: "nachher", content: () => ({ html: "Nachher" }) }),
    );
    const followers = await h.access.run(() =>
      publisher.publish({ audience: { kind: "feed", feed: "news", areaId: null, initiativeId }, origin: "test:news", title: "news", content: () => ({ html: "News" }) }),
    );
    const chatsOf = async (broadcastId: number) => (await db.delivery.findMany({ where: { broadcastId }, orderBy: { chatId: "asc" } })).map((d) => d.chatId);
    expect(await chatsOf(residents.broadcastId)).toEqual(["7002"]);
    expect(await chatsOf(followers.broadcastId)).toEqual(["-7000", "7002"]);

    const day = h.clock.now().toISOString().slice(0, 10);
    await db.newsItem.create({ data: { initiativeId, authorId: "telegram:9", text: "Übungsabend", status: "published", publishedAt: h.clock.now() } });
    const digest = createDigestJob({ access: h.access, publisher, translator: h.translator, clock: h.clock, logger: silentLogger });
    expect(await digest.runDay(day)).toBe(0);
    await db.initiativeFollow.deleteMany({ where: { residentId: annaId } });
    await db.residentFeedPreference.deleteMany({ where: { residentId: annaId } });
  });

  it("refuses her contributions in a group with a hint, while others may", async () => {
    const refused = await h.press(annaInGroup, `ideas:sup:${ideaId}`);
    expect(refused.map((r) => r.text)).toEqual([
      "Dafür brauche ich Ihre Einwilligung: Sie haben sie widerrufen oder dem neuen Datenschutzhinweis noch nicht zugestimmt. Schreiben Sie mir bitte im privaten Chat; dort können Sie wieder zustimmen.",
    ]);
    expect(all(await h.press(annaInGroup, `initiatives:follow:${initiativeId}`))).toContain("Einwilligung");
    expect(await h.db.prisma.support.count({ where: { ideaId } })).toBe(0);
    expect(all(await h.press(bertInGroup, `ideas:sup:${ideaId}`))).toContain("unterstützen");
    expect(await h.db.prisma.support.count({ where: { ideaId } })).toBe(1);
  });

  it("shows her the notice at her next private message and processes nothing else", async () => {
    const next = await h.send(anna, "/ideas");
    expect(next).toHaveLength(1);
    expect(next[0]!.text).toContain("Sie haben Ihre Einwilligung am");
    expect(next[0]!.text).toContain("Datenschutzhinweis");
    expect(next[0]!.choices.map((c) => c.action)).toEqual(["onboarding:accept", "onboarding:decline"]);
    const idea = await h.press(anna, "ideas:new");
    expect(idea[0]!.text).toContain("Datenschutzhinweis");
    const declined = await h.press(anna, "onboarding:decline");
    expect(declined[0]!.text).toContain("Was Sie bisher beigetragen haben, bleibt erhalten");
    expect(actions(declined)).toEqual(["onboarding:privacy", "privacy:open"]);
    // Her rights do not wait for consent: the privacy screen opens, with agreeing again.
    const screen = await h.press(anna, "privacy:open");
    expect(screen[1]!.text).toContain("Sie haben Ihre Einwilligung am");
    expect(screen[1]!.choices.map((c) => c.action)).toEqual(["privacy:agree", "mydata:send", "erase:ask", "settings:open"]);
    const again = await h.press(anna, "privacy:withdraw-confirm");
    expect(again[0]!.text).toContain("keine Einwilligung, die Sie widerrufen könnten");
    expect(await consentsOf(anna)).toHaveLength(2);
  });

  it("lets her agree again, without asking language or village", async () => {
    const agreed = await h.press(anna, "privacy:agree");
    expect(agreed[0]!.text).toBe("Vielen Dank! Ihre Zustimmung zur Fassung 2026-12-01 ist gespeichert.");
    expect(agreed[1]!.text).toContain("Hauptmenü");
    const resident = await residentOf(anna);
    expect(resident.privacyWithdrawnAt).toBeNull();
    expect(resident.privacyVersion).toBe("2026-12-01");
    expect(await consentsOf(anna)).toEqual([
      ["2026-12-01", "given"],
      ["2026-12-01", "withdrawn"],
      ["2026-12-01", "given"],
    ]);
    expect(all(await h.press(annaInGroup, `ideas:sup:${ideaId}`))).toContain("unterstützen");
  });
});

describe("a new notice version", () => {
  beforeAll(() => h.restart({ privacy: { noticeVersion: "2027-01-01" } }));
  afterAll(() => h.restart({ privacy: { noticeVersion: "2026-12-01" } }));

  it("asks at the next message, shows only the notice, and holds everything else back", async () => {
    const next = await h.send(bert, "/ideas");
    expect(next).toHaveLength(1);
    expect(next[0]!.text).toContain("Der Datenschutzhinweis hat sich geändert (neue Fassung 2027-01-01)");
    expect(next[0]!.text).toContain("Fassung 2027-01-01");
    expect(next[0]!.choices.map((c) => c.action)).toEqual(["onboarding:accept", "onboarding:decline"]);
    const draft = await h.press(bert, "ideas:new");
    expect(draft[0]!.text).toContain("Der Datenschutzhinweis hat sich geändert");
    // In a group, a contribution waits for the new consent too.
    expect(all(await h.press(bertInGroup, `initiatives:follow:${initiativeId}`))).toContain("Einwilligung");
    const done = await h.press(bert, "onboarding:accept");
    expect(done[0]!.text).toBe("Vielen Dank! Ihre Zustimmung zur Fassung 2027-01-01 ist gespeichert.");
    expect(done[1]!.text).toContain("Hauptmenü");
    expect(await consentsOf(bert)).toEqual([
      ["2026-12-01", "given"],
      ["2027-01-01", "given"],
    ]);
    expect((await residentOf(bert)).locale).toBe("de");
  });

  it("opens a pending deep link after agreeing", async () => {
    const first = await h.send(carla, `/start idea_${ideaId}`, NO_BUTTONS);
    expect(first.at(-1)!.text).toContain("The privacy notice has changed");
    const done = await h.send(carla, "1", NO_BUTTONS);
    expect(done[0]!.text).toContain("version 2027-01-01");
    expect(all(done)).toContain("Bank am Teich");
  });

  it("asks residents from before versions existed, too", async () => {
    h.restart({ privacy: { noticeVersion: "2026-12-01" } });
    await h.db.prisma.resident.update({ where: { id: (await residentOf(dora)).id }, data: { privacyVersion: null } });
    const next = await h.send(dora, "hallo");
    expect(next[0]!.text).toContain("Der Datenschutzhinweis hat sich geändert (neue Fassung 2026-12-01)");
    const screen = await h.press(dora, "privacy:open");
    // Her earlier consent can still be withdrawn, or renewed.
    expect(screen[1]!.choices.map((c) => c.action)).toEqual(["privacy:agree", "privacy:withdraw", "mydata:send", "erase:ask", "settings:open"]);
    await h.press(dora, "onboarding:accept");
    expect((await residentOf(dora)).privacyVersion).toBe("2026-12-01");
  });
});

describe("a notice longer than a message", () => {
  afterAll(() => h.restart({ privacy: { controller: "Samtgemeinde Oldendorf-Himmelpforten, Am Markt 1, 21709 Himmelpforten" } }));

  it("splits into parts a Telegram message takes, with agree and decline on the last", async () => {
    // A municipality may name several offices and a long postal address.
    const controller = Array.from({ length: 30 }, (_, i) => `Fachbereich ${i + 1}, Am Markt ${i + 1}, 21709 Himmelpforten`).join("; ");
    h.restart({ privacy: { controller } });
    const emil: Person = { channel: "telegram", userId: "7005" };
    await h.send(emil, "/start");
    const area = await h.press(emil, "onboarding:lang:de");
    const notice = await h.press(emil, area[0]!.choices.find((c) => c.label === "Hammah")!.action);
    expect(notice).toHaveLength(1);
    const parts = splitOutbound(notice[0]!.message, { limit: 4096, measure: visibleLength });
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(visibleLength(part.html)).toBeLessThanOrEqual(4096);
    expect(parts.slice(0, -1).every((p) => p.choices === undefined)).toBe(true);
    expect(parts.at(-1)!.choices?.flat().map((c) => c.action)).toEqual(["onboarding:accept", "onboarding:decline"]);
    expect(parts.map((p) => p.html).join("")).toContain("Fachbereich 30");
    expect(parts.at(-1)!.html).toContain("Sind Sie damit einverstanden?");
    expect(all(await h.press(emil, "onboarding:accept"))).toContain("Hauptmenü");
  });
});
