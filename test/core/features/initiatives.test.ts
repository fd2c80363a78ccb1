import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createModerationFeature, DEFAULT_IDEAS_CONFIG } from "../../../src/core/features/ideas/index.js";
import { createInitiativesFeature } from "../../../src/core/features/initiatives.js";
import { createNewsModerationFeature, createNewsQueueSource, type NewsModerationDeps } from "../../../src/core/features/news-moderation.js";
import { createIdeaStores } from "../../../src/storage/create-idea-stores.js";
import { createResidentStore } from "../../../src/storage/stores/resident-store.js";
import type { Translator } from "../../../src/core/ports/translator.js";
import { createDigestJob } from "../../../src/storage/outbox/digest-job.js";
import { createOutboxPublisher } from "../../../src/storage/outbox/publisher.js";
import type { PrismaAccess } from "../../../src/storage/prisma-access.js";
import { createAreaStore } from "../../../src/storage/stores/area-store.js";
import { createFeedPreferenceStore } from "../../../src/storage/stores/feed-preference-store.js";
import { createInitiativeStore } from "../../../src/storage/stores/initiative-store.js";
import { createTranslator } from "../../../src/i18n/translator.js";
import { PAGE_CHARS } from "../../../src/core/render/pager.js";
import { createCoreHarness, createTestClock, type CoreHarness, type Person } from "../../support/core-harness.js";
import { silentLogger } from "../../support/silent-logger.js";
import { tinyPng } from "../../support/tiny-png.js";

let h: CoreHarness;
let access: PrismaAccess | undefined;
const lazy: PrismaAccess = { client: () => access!.client(), run: (work) => access!.run(work) };
// The harness makes its own clock; the feature gets one on the same start time.
const clock = createTestClock();
const newsPhoto = tinyPng(6, [250, 180, 0]);
let translator: Translator;

const anna: Person = { channel: "telegram", userId: "6001" };
const bert: Person = { channel: "telegram", userId: "6002" };
const manager: Person = { channel: "telegram", userId: "6003" };
const moderator: Person = { channel: "telegram", userId: "6004" };
let ffw: number;
let chor: number;

beforeAll(async () => {
  translator = await createTranslator();
  const ideaStores = createIdeaStores(lazy);
  const news: NewsModerationDeps = {
    initiatives: createInitiativeStore(lazy),
    areas: createAreaStore(lazy),
    photos: ideaStores.photos,
    moderation: ideaStores.moderation,
    audit: ideaStores.audit,
    publisher: createOutboxPublisher({ access: lazy, clock }),
    translator,
    clock,
  };
  h = await createCoreHarness({
    extraFeatures: [
      createInitiativesFeature({ ...news, preferences: createFeedPreferenceStore(lazy), reports: ideaStores.ideas }),
      createNewsModerationFeature(news),
      createModerationFeature({
        ...ideaStores,
        timeZone: "Europe/Berlin",
        areas: news.areas,
        residents: createResidentStore(lazy),
        publisher: news.publisher,
        translator,
        clock,
        config: DEFAULT_IDEAS_CONFIG,
        queueSources: [createNewsQueueSource(news)],
      }),
    ],
  });
  access = h.access;
  const prisma = h.db.prisma;
  const hammah = await prisma.area.findUniqueOrThrow({ where: { slug: "hammah" } });
  const burweg = await prisma.area.findUniqueOrThrow({ where: { slug: "burweg" } });
  ffw = (await prisma.initiative.create({ data: { slug: "ffw-hammah", name: "Feuerwehr Hammah", areaId: hammah.id, description: "Löschen & Bergen", contact: "wehr@example.org" } })).id;
  chor = (await prisma.initiative.create({ data: { slug: "chor-burweg", name: "Chor Burweg", areaId: burweg.id, trusted: true } })).id;
  await prisma.initiative.create({ data: { slug: "tafel", name: "Tafel der Samtgemeinde", areaId: null } });
  await prisma.roleAssignment.createMany({
    data: [
      { identity: "telegram:6003", role: "initiative_manager", scope: `initiative:${ffw}`, grantedBy: "test" },
      { identity: "telegram:6003", role: "initiative_manager", scope: `initiative:${chor}`, grantedBy: "test" },
      { identity: "telegram:6004", role: "moderator", scope: "*", grantedBy: "test" },
    ],
  });
  for (const p of [anna, bert, manager, moderator]) await h.onboard(p);
});
afterAll(async () => h.dispose());

const texts = (replies: { text: string }[]) => replies.map((r) => r.text);
const residentOf = async (p: Person) =>
  (await h.db.prisma.identity.findUniqueOrThrow({ where: { id: `${p.channel}:${p.userId}` } })).residentId;

describe("initiatives for residents", () => {
  it("lists the initiatives of the home village and of the whole municipality", async () => {
    const [list] = await h.press(anna, "initiatives:open");
    expect(list!.text).toContain("Initiativen in Hammah");
    expect(list!.choices.slice(0, 2).map((c) => c.label)).toEqual(["Feuerwehr Hammah", "Tafel der Samtgemeinde"]);
    expect(list!.choices.map((c) => c.label)).not.toContain("Chor Burweg");
  });

  it("shows a profile and follows and unfollows", async () => {
    const [profile] = await h.press(anna, `initiatives:show:${ffw}`);
    expect(profile!.text).toContain("Löschen & Bergen");
    expect(profile!.text).toContain("Kontakt: wehr@example.org");
    expect(profile!.choices[0]!.action).toBe(`initiatives:follow:${ffw}`);
    const followed = await h.press(anna, `initiatives:follow:${ffw}`);
    expect(followed[0]!.text).toBe("Sie folgen jetzt Feuerwehr Hammah. Neuigkeiten erhalten Sie hier.");
    expect(followed[1]!.choices[0]!.action).toBe(`initiatives:unfollow:${ffw}`);
    await h.press(bert, `initiatives:follow:${ffw}`);
    await h.press(bert, `initiatives:follow:${chor}`);
    await h.press(bert, `initiatives:unfollow:${chor}`);
    expect(await h.db.prisma.initiativeFollow.count({ where: { initiativeId: chor } })).toBe(0);
  });

  it("lets a resident choose the daily digest", async () => {
    const replies = await h.press(bert, "initiatives:setmode:digest");
    expect(replies[0]!.text).toContain("gesammelt in einer Nachricht am Tag");
  });
});

describe("news by managers", () => {
  it("refuses residents who manage no initiative", async () => {
    expect(texts(await h.send(anna, "/news"))[0]).toContain("nur die Verantwortlichen");
  });

  it("holds news of an untrusted initiative for moderation, then publishes it to followers at once", async () => {
    const which = await h.send(manager, "/news");
    expect(which[0]!.choices.map((c) => c.label).sort()).toEqual(["Chor Burweg", "Feuerwehr Hammah"]);
    await h.press(manager, `initiatives:post:${ffw}`);
    await h.send(manager, "Osterfeuer <am> Samstag");
    expect(texts(await h.send(manager, "31.02.2027"))[0]).toContain("nicht als Datum erkannt");
    await h.send(manager, "27.03.2027 19:30");
    const photoStep = await h.send(manager, "Festplatz");
    expect(photoStep[0]!.text).toContain("Foto dazu zeigen");
    expect(photoStep[0]!.choices.map((c) => c.action)).toEqual(["initiatives:nophoto", "initiatives:pcancel"]);
    // Marked, so the terminal can say how to attach one; the same for the request to try again.
    expect(photoStep[0]!.message.awaitsPhoto).toBe(true);
    const tooLarge = await h.sendPhoto(manager, { status: "too-large" });
    expect(tooLarge[0]!.text).toContain("höchstens 5 MB");
    expect(tooLarge[0]!.message.awaitsPhoto).toBe(true);
    expect(await h.db.prisma.newsItem.count({ where: { initiativeId: ffw } })).toBe(0);
    const preview = await h.sendPhoto(manager, { status: "ok", bytes: newsPhoto, mimeType: "image/png" });
    // Nothing is submitted before the manager sends the preview.
    expect(preview[0]!.text).toContain("Vorschau");
    expect(preview[0]!.text).toContain("Osterfeuer <am> Samstag");
    expect(preview[0]!.text).toContain("vor der Veröffentlichung geprüft");
    expect(Buffer.from(preview[0]!.message.image!.bytes)).toEqual(Buffer.from(newsPhoto));
    expect(preview[0]!.choices.map((c) => c.action)).toEqual(["initiatives:psend", "initiatives:pchange", "initiatives:pcancel"]);
    expect(await h.db.prisma.newsItem.count({ where: { initiativeId: ffw } })).toBe(0);
    const done = await h.press(manager, "initiatives:psend");
    const item = await h.db.prisma.newsItem.findFirstOrThrow({ where: { initiativeId: ffw }, include: { photo: true } });
    expect(Buffer.from(item.photo!.bytes)).toEqual(Buffer.from(newsPhoto));
    expect(done[0]!.text).toBe(`Danke! Ihre Neuigkeit (Nr. ${item.id}) wird vor der Veröffentlichung geprüft.`);
    expect(item.status).toBe("pending");
    expect(item.authorResidentId).toBe(await residentOf(manager));
    // No moderation chat set: the card goes to the private chats of the responsible moderators.
    const card = await h.db.prisma.broadcast.findFirstOrThrow({
      where: { origin: `news:${item.id}:pending` },
      include: { deliveries: true, contents: true },
    });
    expect(card.deliveries.map((d) => d.chatId)).toEqual(["6004"]);
    const cardDe = card.contents.find((c) => c.locale === "de")!;
    expect(cardDe.html).toContain(`<b>Neuigkeit Nr. ${item.id}</b> wartet auf Freigabe`);
    expect(cardDe.html).not.toContain("Neue Neuigkeit");
    expect(cardDe.html).toContain("Osterfeuer &lt;am&gt; Samstag");
    expect(JSON.stringify(cardDe.choices)).toContain(`newsmod:ok:${item.id}`);
    // Moderators see the photo before it becomes public.
    expect(Buffer.from(cardDe.image!)).toEqual(Buffer.from(newsPhoto));
    expect(cardDe.alt).toBe("Foto zur Nachricht von Feuerwehr Hammah");
    expect(await h.db.prisma.broadcast.count({ where: { origin: { endsWith: ":published" } } })).toBe(0);

    const [queued] = (await h.send(moderator, "/queue")).slice(-1);
    expect(queued!.text).toContain("Osterfeuer <am> Samstag");
    expect(Buffer.from(queued!.message.image!.bytes)).toEqual(Buffer.from(newsPhoto));
    expect(queued!.choices.map((c) => c.action)).toEqual([`newsmod:ok:${item.id}`, `newsmod:no:${item.id}`]);

    expect(texts(await h.send(anna, `/news_approve ${item.id}`))[0]).toBe("Das dürfen nur Moderatorinnen und Moderatoren.");
    expect(texts(await h.press(moderator, `newsmod:ok:${item.id}`))).toEqual([
      `Neuigkeit Nr. ${item.id} von Feuerwehr Hammah ist freigegeben und wird verteilt.`,
    ]);
    expect(texts(await h.send(moderator, `/news_approve ${item.id}`))[0]).toBe(
      `Neuigkeit Nr. ${item.id} wurde bereits bearbeitet: Sie ist freigegeben.`,
    );
    expect(texts(await h.send(moderator, "/news_approve 99999"))[0]).toBe("Eine Neuigkeit Nr. 99999, für die Sie zuständig sind, finde ich nicht.");
    const audit = await h.db.prisma.auditLog.findMany({ where: { targetType: "news", targetId: String(item.id) }, orderBy: { seq: "asc" } });
    expect(audit.map((a) => [a.action, a.actorIdentity])).toEqual([["news.submit_pending", "telegram:6003"], ["news.approve", "telegram:6004"]]);
    const told = await h.db.prisma.broadcast.findFirstOrThrow({
      where: { origin: `news:${item.id}:author-published` },
      include: { deliveries: true, contents: true },
    });
    expect(told.deliveries.map((d) => d.chatId)).toEqual(["6003"]);
    expect(told.contents.find((c) => c.locale === "de")!.html).toContain("ist freigegeben und wird verteilt");

    const broadcast = await h.db.prisma.broadcast.findFirstOrThrow({
      where: { origin: `news:${item.id}:published` },
      include: { deliveries: true, contents: true },
    });
    // Anna follows at once; Bert chose the digest, so he is not in the immediate publish.
    expect(broadcast.deliveries.map((d) => d.chatId)).toEqual(["6001"]);
    const german = broadcast.contents.find((c) => c.locale === "de")!.html;
    expect(german).toBe("<b>Feuerwehr Hammah</b>\nOsterfeuer &lt;am&gt; Samstag\nWann: 27.03.2027, 19:30\nWo: Festplatz");
    // The wall-clock time the manager typed, in each reader's format.
    expect(broadcast.contents.find((c) => c.locale === "en")!.html).toMatch(/\nWhen: Mar 27, 2027, 7:30\sPM\n/);
    expect(Buffer.from(broadcast.contents.find((c) => c.locale === "en")!.image!)).toEqual(Buffer.from(newsPhoto));
  });

  it("publishes news of a trusted initiative without moderation", async () => {
    await h.db.prisma.subscription.create({ data: { channel: "telegram", chatId: "-900", feed: "news", scope: "*", createdBy: "x" } });
    await h.press(manager, `initiatives:post:${chor}`);
    await h.send(manager, "Probe fällt aus");
    // A photo before it is asked for is not kept; "-" at the photo step goes on without one.
    const early = await h.sendPhoto(manager, { status: "ok", bytes: newsPhoto, mimeType: "image/png" });
    expect(texts(early)[0]).toContain("nachdem Sie Text, Datum und Ort angegeben haben");
    await h.send(manager, "-");
    await h.send(manager, "-");
    const preview = await h.send(manager, "-");
    expect(texts(preview)[0]).toContain("sofort veröffentlicht");
    expect(preview[0]!.message.image).toBeUndefined();
    expect(texts(await h.press(manager, "initiatives:psend"))).toEqual(["Ihre Neuigkeit ist veröffentlicht und wird jetzt verteilt."]);
    const latest = await h.db.prisma.broadcast.findFirstOrThrow({ orderBy: { id: "desc" }, include: { deliveries: true, contents: true } });
    expect(latest.deliveries.map((d) => d.chatId)).toEqual(["-900"]);
    expect(latest.contents.every((c) => c.image === null)).toBe(true);
    // The manager's post is recorded with the initiative; published at once, as it is trusted.
    const news = await h.db.prisma.newsItem.findFirstOrThrow({ orderBy: { id: "desc" } });
    expect(await h.db.prisma.auditLog.count({ where: { action: "news.submit_published", targetType: "news", targetId: String(news.id) } })).toBe(1);
  });

  it("lets the manager change text, date, place and photo on the preview, keeping the rest", async () => {
    await h.press(manager, `initiatives:post:${ffw}`);
    await h.send(manager, "Maibaum aufstellen");
    await h.send(manager, "01.05.2027 10:00");
    await h.send(manager, "Dorfplatz");
    let r = await h.sendPhoto(manager, { status: "ok", bytes: newsPhoto, mimeType: "image/png" });
    r = await h.press(manager, "initiatives:pchange");
    expect(r[0]!.choices.map((c) => c.label)).toEqual(["Text", "Datum", "Ort", "Foto", "Zurück zur Vorschau", "Abbrechen"]);
    r = await h.press(manager, "initiatives:pedit:text");
    r = await h.send(manager, "Maibaum aufstellen mit Musik");
    expect(r[0]!.text).toContain("Maibaum aufstellen mit Musik");
    expect(r[0]!.text).toContain("Wann: 01.05.2027, 10:00");
    expect(Buffer.from(r[0]!.message.image!.bytes)).toEqual(Buffer.from(newsPhoto));
    await h.press(manager, "initiatives:pchange");
    await h.press(manager, "initiatives:pedit:date");
    expect(texts(await h.send(manager, "kein Datum"))[0]).toContain("nicht als Datum erkannt");
    r = await h.send(manager, "02.05.2027 11:00");
    expect(r[0]!.text).toContain("Wann: 02.05.2027, 11:00");
    await h.press(manager, "initiatives:pchange");
    await h.press(manager, "initiatives:pedit:place");
    r = await h.send(manager, "Festwiese");
    expect(r[0]!.text).toContain("Wo: Festwiese");
    // A text on the preview changes nothing and shows it again.
    r = await h.send(manager, "Senden bitte");
    expect(texts(r)[0]).toContain("Bitte wählen Sie unter der Vorschau");
    expect(r[1]!.text).toContain("Maibaum aufstellen mit Musik");
    await h.press(manager, "initiatives:pchange");
    await h.press(manager, "initiatives:pedit:photo");
    r = await h.press(manager, "initiatives:nophoto");
    expect(r[0]!.message.image).toBeUndefined();
    expect(await h.db.prisma.newsItem.count({ where: { text: { startsWith: "Maibaum" } } })).toBe(0);
    await h.press(manager, "initiatives:psend");
    const item = await h.db.prisma.newsItem.findFirstOrThrow({ where: { text: { startsWith: "Maibaum" } } });
    expect(item).toMatchObject({ text: "Maibaum aufstellen mit Musik", place: "Festwiese", photoId: null, status: "pending" });
    expect(item.eventDate?.toISOString().slice(0, 10)).toBe("2027-05-02");
    // The preview's buttons do nothing once it was sent.
    expect(texts(await h.press(manager, "initiatives:psend"))[0]).not.toContain("geprüft");
    expect(await h.db.prisma.newsItem.count({ where: { text: { startsWith: "Maibaum" } } })).toBe(1);
    // Out of the way of the moderation queue counted below.
    await h.db.prisma.newsItem.delete({ where: { id: item.id } });
  });

  it("discards the draft on cancel, at the preview or at any step, and says so", async () => {
    const before = await h.db.prisma.newsItem.count();
    const broadcasts = await h.db.prisma.broadcast.count();
    await h.press(manager, `initiatives:post:${chor}`);
    await h.send(manager, "Konzert im Herbst");
    await h.send(manager, "-");
    await h.send(manager, "-");
    let r = await h.send(manager, "-");
    expect(texts(r)[0]).toContain("Vorschau");
    r = await h.press(manager, "initiatives:pcancel");
    expect(texts(r)).toEqual(["Die Neuigkeit wurde verworfen; es wurde nichts gesendet."]);
    expect(texts(await h.press(manager, "initiatives:psend"))[0]).not.toContain("veröffentlicht");

    const prompt = await h.press(manager, `initiatives:post:${chor}`);
    expect(prompt[0]!.choices.map((c) => c.label)).toEqual(["Abbrechen"]);
    await h.send(manager, "Noch ein Konzert");
    r = await h.press(manager, "initiatives:pcancel");
    expect(texts(r)[0]).toContain("verworfen");
    expect(await h.db.prisma.newsItem.count()).toBe(before);
    expect(await h.db.prisma.broadcast.count()).toBe(broadcasts);
  });

  it("shows the latest news of what a resident follows", async () => {
    const replies = await h.press(anna, "initiatives:news");
    expect(replies[0]!.text).toContain("Neuigkeiten von Feuerwehr Hammah");
    expect(replies[0]!.text).toContain("Osterfeuer <am> Samstag");
    expect(replies[0]!.text).not.toContain("Probe fällt aus");
    // The list is one message; the item's photo opens on its own.
    const photoChoice = replies[0]!.choices.find((c) => c.label === "Foto: Osterfeuer <am> Samstag")!;
    const photo = await h.press(anna, photoChoice.action);
    expect(photo[0]!.text).toContain("Osterfeuer <am> Samstag");
    expect(Buffer.from(photo[0]!.message.image!.bytes)).toEqual(Buffer.from(newsPhoto));
    expect(photo[0]!.message.image!.alt).toBe("Foto zur Nachricht von Feuerwehr Hammah");
    const item = await h.db.prisma.newsItem.findFirstOrThrow({ where: { text: "Probe fällt aus" } });
    expect(texts(await h.press(anna, `initiatives:photo:${item.id}`))).toEqual(["Diese Auswahl ist nicht mehr gültig. Bitte nutzen Sie die aktuelle Nachricht."]);
  });
});

describe("daily digest", () => {
  it("gathers a day's news per resident into one message, once", async () => {
    const day = clock.now().toISOString().slice(0, 10);
    const publisher = createOutboxPublisher({ access: h.access, clock });
    const job = createDigestJob({ access: h.access, publisher, translator, clock, logger: silentLogger });
    await h.db.prisma.newsItem.create({
      data: { initiativeId: ffw, authorId: "telegram:6003", text: "Übungsabend", status: "published", publishedAt: clock.now() },
    });
    // Not that day: must not appear.
    await h.db.prisma.newsItem.create({
      data: { initiativeId: ffw, authorId: "telegram:6003", text: "Alt", status: "published", publishedAt: new Date("2020-01-01") },
    });
    expect(await job.runDay(day)).toBe(1);
    const digest = await h.db.prisma.broadcast.findFirstOrThrow({
      where: { origin: `digest:news:${day}` },
      include: { deliveries: true, contents: true },
    });
    expect(digest.deliveries.map((d) => d.chatId)).toEqual(["6002"]);
    const html = digest.contents.find((c) => c.locale === "de")!.html;
    expect(html).toContain("Ihre Neuigkeiten vom");
    expect(html).toContain("Osterfeuer &lt;am&gt; Samstag");
    expect(html).toContain("Übungsabend");
    expect(html).not.toContain("Alt");
    // Only the Easter fire item has a photo: the digest offers to open it.
    const photoItem = await h.db.prisma.newsItem.findFirstOrThrow({ where: { text: "Osterfeuer <am> Samstag" } });
    expect(digest.contents.find((c) => c.locale === "en")!.choices).toEqual([
      [{ label: "Photo: Osterfeuer <am> Samstag", action: `initiatives:photo:${photoItem.id}` }],
    ]);
    expect(await job.runDay(day)).toBe(0);
  });
});

describe("initiatives created by admins", () => {
  const admin: Person = { channel: "telegram", userId: "6005" };
  const areaAdmin: Person = { channel: "telegram", userId: "6006" };

  beforeAll(async () => {
    await h.db.prisma.roleAssignment.createMany({
      data: [
        { identity: "telegram:6005", role: "admin", scope: "*", grantedBy: "test" },
        { identity: "telegram:6006", role: "admin", scope: "area:hammah", grantedBy: "test" },
      ],
    });
    await h.onboard(admin);
    await h.onboard(areaAdmin);
  });

  it("lets an admin create an initiative with /initiative_add and refuses everyone else", async () => {
    expect(texts(await h.send(anna, "/initiative_add sv-hammah SV Hammah"))).toEqual([
      "Nur Administratorinnen und Administratoren können Initiativen anlegen.",
    ]);
    expect(texts(await h.send(areaAdmin, "/initiative_add sv-hammah SV Hammah"))[0]).toContain("Nur Administratorinnen");
    expect(texts(await h.send(admin, "/initiative_add sv-hammah"))[0]).toContain("Bitte so: /initiative_add SLUG NAME");
    expect(texts(await h.send(admin, "/initiative_add SV SV Hammah"))[0]).toContain("kein gültiger Slug");
    const [created] = await h.send(admin, "/initiative_add sv-hammah SV Hammah von 1921");
    expect(created!.text).toContain("Die Initiative SV Hammah von 1921 (sv-hammah) ist angelegt");
    expect(texts(await h.send(admin, "/initiative_add sv-hammah Noch einmal"))[0]).toBe("Es gibt schon eine Initiative „sv-hammah“.");
    const row = await h.db.prisma.initiative.findUniqueOrThrow({ where: { slug: "sv-hammah" } });
    expect(row).toMatchObject({ name: "SV Hammah von 1921", areaId: null, trusted: false });
    expect(await h.db.prisma.auditLog.findMany({ where: { action: "initiative.add" }, select: { targetType: true, targetId: true, reason: true } })).toEqual([
      { targetType: "initiative", targetId: String(row.id), reason: "sv-hammah" },
    ]);
    const [list] = await h.press(anna, "initiatives:open");
    expect(list!.choices.map((c) => c.label)).toContain("SV Hammah von 1921");
  });

  it("shows the stored logo as the image of the profile", async () => {
    const logo = tinyPng(6);
    await h.db.prisma.initiative.update({ where: { id: ffw }, data: { logo } });
    const [profile] = await h.press(anna, `initiatives:show:${ffw}`);
    expect(Buffer.from(profile!.message.image!.bytes)).toEqual(Buffer.from(logo));
    expect(profile!.message.image!.alt).toBe("Logo von Feuerwehr Hammah");
    const [withoutLogo] = await h.press(anna, `initiatives:show:${chor}`);
    expect(withoutLogo!.message.image).toBeUndefined();
  });

  it("lists the manager commands in /help for initiative managers only", async () => {
    const [managerHelp] = await h.send(manager, "/help");
    expect(managerHelp!.text).toContain("/news –");
    expect(managerHelp!.text).not.toContain("/initiative_add");
    const [residentHelp] = await h.send(anna, "/help");
    expect(residentHelp!.text).not.toContain("/news –");
    const [adminHelp] = await h.send(admin, "/help");
    expect(adminHelp!.text).toContain("/initiative_add –");
  });
});

describe("news moderation", () => {
  const burwegMod: Person = { channel: "telegram", userId: "6008" };
  const hammahMod: Person = { channel: "telegram", userId: "6009" };

  beforeAll(async () => {
    await h.db.prisma.roleAssignment.createMany({
      data: [
        { identity: "telegram:6008", role: "moderator", scope: "area:burweg", grantedBy: "test" },
        { identity: "telegram:6009", role: "moderator", scope: "area:hammah", grantedBy: "test" },
      ],
    });
    await h.onboard(burwegMod);
    await h.onboard(hammahMod);
  });

  async function post(text: string): Promise<number> {
    await h.press(manager, `initiatives:post:${ffw}`);
    await h.send(manager, text);
    await h.send(manager, "-");
    await h.send(manager, "-");
    await h.press(manager, "initiatives:nophoto");
    await h.press(manager, "initiatives:psend");
    return (await h.db.prisma.newsItem.findFirstOrThrow({ where: { text }, orderBy: { id: "desc" } })).id;
  }

  it("keeps moderators to the initiative's area: another village's moderator neither sees nor decides", async () => {
    const id = await post("Kuchenbasar im Gerätehaus");
    const card = await h.db.prisma.broadcast.findFirstOrThrow({ where: { origin: `news:${id}:pending` }, include: { deliveries: true } });
    expect(card.deliveries.map((d) => d.chatId).sort()).toEqual(["6004", "6005", "6006", "6009"]);
    expect(texts(await h.send(burwegMod, "/queue"))).toEqual(["Die Warteschlange ist leer – nichts zu moderieren."]);
    // Told the same as for a news item that does not exist: nothing shows that this one does.
    const notYours = `Eine Neuigkeit Nr. ${id}, für die Sie zuständig sind, finde ich nicht.`;
    expect(texts(await h.send(burwegMod, `/news_approve ${id}`))).toEqual([notYours]);
    expect(texts(await h.send(burwegMod, `/reject_news ${id} Nein`))).toEqual([notYours]);
    expect((await h.db.prisma.newsItem.findUniqueOrThrow({ where: { id } })).status).toBe("pending");
    const queue = await h.send(hammahMod, "/queue");
    expect(queue[0]!.text).toContain("Eine Neuigkeit wartet auf Moderation");
    expect(texts(await h.press(hammahMod, `newsmod:ok:${id}`))[0]).toContain("ist freigegeben und wird verteilt");
  });

  it("rejects with a reason, tells the author in their language and records it", async () => {
    await h.db.prisma.resident.update({ where: { id: await residentOf(manager) }, data: { locale: "en" } });
    const id = await post("Kauft bei Firma X!");
    expect(texts(await h.send(hammahMod, `/reject_news ${id}`))[0]).toContain("Verwendung: /reject_news NUMMER BEGRÜNDUNG");
    expect(texts(await h.press(hammahMod, `newsmod:no:${id}`))).toEqual([
      `Bitte lehnen Sie mit Begründung ab; sie wird der Person mitgeteilt, die die Neuigkeit eingestellt hat: /reject_news ${id} BEGRÜNDUNG`,
    ]);
    expect(texts(await h.send(hammahMod, `/reject_news ${id} Reine Werbung`))).toEqual([
      `Neuigkeit Nr. ${id} von Feuerwehr Hammah ist abgelehnt. Die Begründung wird mitgeteilt: Reine Werbung`,
    ]);
    const row = await h.db.prisma.newsItem.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: "rejected", rejectReason: "Reine Werbung", publishedAt: null });
    const told = await h.db.prisma.broadcast.findFirstOrThrow({
      where: { origin: `news:${id}:author-rejected` },
      include: { deliveries: true, contents: true },
    });
    expect(told.deliveries.map((d) => [d.chatId, d.locale])).toEqual([["6003", "en"]]);
    expect(told.contents.find((c) => c.locale === "en")!.html).toContain("was not published. Reason: Reine Werbung");
    expect(await h.db.prisma.broadcast.count({ where: { origin: `news:${id}:published` } })).toBe(0);
    const audit = await h.db.prisma.auditLog.findFirstOrThrow({ where: { targetType: "news", targetId: String(id), action: { not: "news.submit_pending" } } });
    expect(audit).toMatchObject({ action: "news.reject", actorIdentity: "telegram:6009", reason: "Reine Werbung" });
    expect(texts(await h.press(hammahMod, `newsmod:no:${id}`))).toEqual([`Neuigkeit Nr. ${id} wurde bereits bearbeitet: Sie ist abgelehnt.`]);
    await h.db.prisma.resident.update({ where: { id: await residentOf(manager) }, data: { locale: "de" } });
  });

  it("lets exactly one of two moderators acting at once win", async () => {
    for (let round = 0; round < 4; round++) {
      const id = await post(`Gleichzeitig ${round}`);
      const approve = () => h.press(moderator, `newsmod:ok:${id}`);
      const reject = () => h.send(hammahMod, `/reject_news ${id} Doppelt`);
      const [a, b] = round % 2 === 0 ? await Promise.all([approve(), reject()]) : (await Promise.all([reject(), approve()])).reverse();
      const answers = [a![0]!.text, b![0]!.text];
      const lost = answers.filter((t) => t.includes("wurde bereits bearbeitet"));
      expect(lost).toHaveLength(1);
      const row = await h.db.prisma.newsItem.findUniqueOrThrow({ where: { id } });
      expect(row.status).toBe(answers[0]!.includes("bereits bearbeitet") ? "rejected" : "published");
      expect(await h.db.prisma.auditLog.count({ where: { targetType: "news", targetId: String(id), action: { not: "news.submit_pending" } } })).toBe(1);
      expect(await h.db.prisma.broadcast.count({ where: { origin: `news:${id}:published` } })).toBe(row.status === "published" ? 1 : 0);
    }
  });

  it("lists /reject_news in /help for moderators", async () => {
    const [help] = await h.send(hammahMod, "/help");
    expect(help!.text).toContain("/reject_news –");
    expect(help!.text).toContain("/news_approve –");
  });
});

describe("reporting news", () => {
  it("offers Report on shown news and files the report with a reason for the area's moderators", async () => {
    const [profile] = await h.press(anna, `initiatives:show:${ffw}`);
    const report = profile!.choices.find((c) => c.label.startsWith("Melden: "));
    expect(report!.action).toMatch(/^initiatives:report:\d+$/);
    const id = Number(report!.action.split(":")[2]);
    const asked = await h.press(anna, report!.action);
    expect(asked[0]!.text).toBe(`Warum ist Neuigkeit Nr. ${id} unangemessen? Bitte schreiben Sie eine kurze Begründung.`);
    expect(texts(await h.send(anna, "Falsches Datum"))).toEqual(["Vielen Dank. Die Moderation sieht es sich an."]);
    const row = await h.db.prisma.report.findFirstOrThrow({ where: { targetType: "news", targetId: id } });
    expect(row).toMatchObject({ reporterId: await residentOf(anna), reason: "Falsches Datum" });
    const toMods = await h.db.prisma.broadcast.findFirstOrThrow({
      where: { origin: `report:${row.id}` },
      include: { deliveries: true, contents: true },
    });
    expect(toMods.deliveries.map((d) => d.chatId).sort()).toEqual(["6004", "6005", "6006", "6009"]);
    expect(toMods.contents.find((c) => c.locale === "de")!.html).toContain("Neuigkeit #" + id);
  });

  it("reports without a reason from the followed news, and refuses pending news and blocked residents", async () => {
    const [news] = await h.press(anna, "initiatives:news");
    const report = news!.choices.find((c) => c.action.startsWith("initiatives:report:"))!;
    const id = Number(report.action.split(":")[2]);
    expect(texts(await h.press(anna, `initiatives:repx:${id}`))).toEqual(["Vielen Dank. Die Moderation sieht es sich an."]);
    expect(await h.db.prisma.report.count({ where: { targetType: "news", targetId: id, reason: null } })).toBe(1);
    const pending = await h.db.prisma.newsItem.create({ data: { initiativeId: ffw, authorId: "telegram:6003", text: "Offen", status: "pending" } });
    expect(texts(await h.press(anna, `initiatives:report:${pending.id}`))).toEqual([translator.t("de", "common:stale-action")]);
    await h.db.prisma.resident.update({ where: { id: await residentOf(bert) }, data: { blockedAt: new Date() } });
    expect(texts(await h.press(bert, `initiatives:repx:${id}`))).toEqual([translator.t("de", "ideas:blocked")]);
    // Bert's refused report left nothing behind: still only Anna's report without a reason.
    expect(await h.db.prisma.report.count({ where: { targetType: "news", targetId: id, reason: null } })).toBe(1);
  });
});

describe("long lists of initiatives and news", () => {
  const carla: Person = { channel: "telegram", userId: "6020" };
  let verein: number;
  const newsText = (i: number) => `Meldung${String(i).padStart(2, "0")} ${"Der Verein lädt alle herzlich ein. ".repeat(70)}`.slice(0, 2_000);

  beforeAll(async () => {
    const prisma = h.db.prisma;
    const hammah = await prisma.area.findUniqueOrThrow({ where: { slug: "hammah" } });
    for (let i = 0; i < 20; i += 1) {
      await prisma.initiative.create({ data: { slug: `verein-${i}`, name: `Verein ${String(i).padStart(2, "0")}`, areaId: hammah.id } });
    }
    verein = (await prisma.initiative.findUniqueOrThrow({ where: { slug: "verein-0" } })).id;
    for (let i = 0; i < 6; i += 1) {
      await prisma.newsItem.create({
        data: { initiativeId: verein, authorId: "telegram:6003", text: newsText(i), status: "published", publishedAt: new Date(Date.UTC(2026, 10, 1 + i)) },
      });
    }
    for (let i = 0; i < 12; i += 1) {
      await prisma.newsItem.create({ data: { initiativeId: verein, authorId: "telegram:6003", text: `Wartend${String(i).padStart(2, "0")}`, status: "pending" } });
    }
    await h.onboard(carla);
  });

  /** Every page of a paged reply, following "Weiter ›". */
  async function walk(person: Person, action: string) {
    const pages = [(await h.press(person, action)).at(-1)!];
    for (let next = pages[0]!.choices.find((c) => c.label === "Weiter ›"); next; next = pages.at(-1)!.choices.find((c) => c.label === "Weiter ›")) {
      pages.push((await h.press(person, next.action)).at(-1)!);
    }
    return pages;
  }

  it("pages the initiatives of a village, eight buttons a page, each once", async () => {
    const pages = await walk(carla, "initiatives:open");
    expect(pages.length).toBeGreaterThanOrEqual(3);
    const names = pages.flatMap((p) => p.choices.map((c) => c.label).filter((l) => /^Verein \d\d$/.test(l)));
    expect(names.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `Verein ${String(i).padStart(2, "0")}`));
    for (const page of pages) expect(page.choices.filter((c) => c.action.startsWith("initiatives:show:")).length).toBeLessThanOrEqual(8);
    expect(pages[1]!.text).toContain(`Seite 2 von ${pages.length}`);
  });

  it("pages a profile's and the followed news within the budget, each item once", async () => {
    await h.press(carla, `initiatives:follow:${verein}`);
    for (const action of [`initiatives:show:${verein}`, "initiatives:news"]) {
      const pages = await walk(carla, action);
      expect(pages.length, action).toBeGreaterThan(1);
      for (const page of pages) expect(page.text.length).toBeLessThanOrEqual(PAGE_CHARS);
      const seen = pages.flatMap((p) => [...p.text.matchAll(/Meldung(\d\d) /g)].map((m) => Number(m[1])));
      expect(seen.sort(), action).toEqual([0, 1, 2, 3, 4, 5]);
      // Each page offers to report exactly the items it shows.
      for (const page of pages) {
        expect(page.choices.filter((c) => c.action.startsWith("initiatives:report:")).length).toBe(page.text.match(/Meldung\d\d /g)!.length);
      }
    }
  });

  it("pages pending news in /queue after the ideas, reaching every item", async () => {
    const first = await h.send(moderator, "/queue");
    const all = [first];
    for (let next = first.at(-1)!.choices.find((c) => c.label === "Weiter ›"); next; next = all.at(-1)!.at(-1)!.choices.find((c) => c.label === "Weiter ›")) {
      all.push(await h.press(moderator, next.action));
    }
    expect(all.length).toBeGreaterThanOrEqual(2);
    const seen = all.flatMap((page) => page.flatMap((r) => [...r.text.matchAll(/Wartend(\d\d)/g)].map((m) => Number(m[1]))));
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    for (const page of all) expect(page.filter((r) => r.choices.some((c) => c.action.startsWith("newsmod:ok:"))).length).toBeLessThanOrEqual(10);
  });
});
