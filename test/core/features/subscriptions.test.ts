import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBroadcastsFeature } from "../../../src/core/features/broadcasts.js";
import { createSubscriptionsFeature } from "../../../src/core/features/subscriptions.js";
import type { InboundEvent } from "../../../src/core/model/inbound-event.js";
import type { InitiativeLookup } from "../../../src/core/ports/subscriptions.js";
import { createOutboxOverview } from "../../../src/storage/outbox/outbox-overview.js";
import { createOutboxPublisher } from "../../../src/storage/outbox/publisher.js";
import type { PrismaAccess } from "../../../src/storage/prisma-access.js";
import { createAreaStore } from "../../../src/storage/stores/area-store.js";
import { createSubscriptionStore } from "../../../src/storage/stores/subscription-store.js";
import { createAuditStore } from "../../../src/storage/stores/audit-store.js";
import { PAGE_CHARS } from "../../../src/core/render/pager.js";
import { NO_BUTTONS, createCoreHarness, type CoreHarness } from "../../support/core-harness.js";

let h: CoreHarness;
let access: PrismaAccess | undefined;
/** The features are built before the harness opens its database; this forwards to it. */
const lazy: PrismaAccess = {
  client: () => access!.client(),
  run: (work) => access!.run(work),
};
const initiatives: InitiativeLookup = {
  bySlug: async (slug) => {
    const row = await lazy.client().initiative.findUnique({ where: { slug } });
    return row ? { id: row.id, slug: row.slug, name: row.name } : undefined;
  },
  byId: async (id) => {
    const row = await lazy.client().initiative.findUnique({ where: { id } });
    return row ? { id: row.id, slug: row.slug, name: row.name } : undefined;
  },
};

beforeAll(async () => {
  h = await createCoreHarness({
    extraFeatures: [
      createSubscriptionsFeature({ subscriptions: createSubscriptionStore(lazy), areas: createAreaStore(lazy), initiatives, audit: createAuditStore(lazy) }),
      createBroadcastsFeature({ outbox: createOutboxOverview(lazy), timeZone: "Europe/Berlin" }),
    ],
  });
  access = h.access;
});
afterAll(async () => h.dispose());

let n = 0;
async function inGroup(text: string, options: { admin?: boolean; user?: string; chat?: string; channel?: "telegram" | "matrix" } = {}) {
  const channel = options.channel ?? "telegram";
  const event: InboundEvent = {
    eventId: `sub-test:${++n}`,
    channel,
    chat: { id: options.chat ?? "-4001", kind: "group", title: "Dorfgruppe Hammah" },
    senderId: `${channel}:${options.user ?? "3001"}`,
    payload: { type: "text", text },
    receivedAt: h.clock.now(),
    ...(options.admin === undefined ? {} : { senderIsChatAdmin: options.admin }),
  };
  // A Matrix room: numbered choices and "!" commands, as the Matrix channel declares.
  const capabilities = channel === "matrix" ? { ...NO_BUTTONS, commandPrefix: "!" } : undefined;
  return (await h.deliver(event, capabilities)).map((r) => r.text);
}

describe("chat subscriptions", () => {
  it("refuses members who are not admins of the chat, and unknown admin status", async () => {
    expect(await inGroup("/subscribe news", { admin: false })).toEqual([
      "Abonnements dieses Chats können nur seine Administratorinnen und Administratoren ändern.",
    ]);
    expect((await inGroup("/unsubscribe news"))[0]).toContain("nur seine Administratorinnen");
    expect(await h.db.prisma.subscription.count()).toBe(0);
    expect(await h.db.prisma.auditLog.count({ where: { action: { startsWith: "subscription." } } })).toBe(0);
  });

  it("lets an admin subscribe a feed for a village, everywhere, or one initiative", async () => {
    expect(await inGroup("/subscribe surveys Hammah", { admin: true })).toEqual([
      "Abonniert: Umfragen (Hammah). Neue Beiträge erscheinen ab jetzt hier.",
    ]);
    expect(await inGroup("/subscribe results", { admin: true })).toEqual([
      "Abonniert: Ergebnisse des Bürgerrats (alle Orte). Neue Beiträge erscheinen ab jetzt hier.",
    ]);
    await h.db.prisma.initiative.create({ data: { slug: "ffw-hammah", name: "Freiwillige Feuerwehr Hammah" } });
    expect(await inGroup("/subscribe news ffw-hammah", { admin: true })).toEqual([
      "Abonniert: Neuigkeiten der Initiativen (Initiative Freiwillige Feuerwehr Hammah). Neue Beiträge erscheinen ab jetzt hier.",
    ]);
    expect((await inGroup("/subscribe surveys hammah", { admin: true }))[0]).toContain("bereits abonniert");
    // Each new subscription is recorded once, by the admin, with the chat as target.
    const recorded = await h.db.prisma.auditLog.findMany({ where: { action: "subscription.add" }, orderBy: { seq: "asc" } });
    expect(recorded.map((e) => [e.actorIdentity, e.targetType, e.targetId, e.reason?.split(" ")[0]])).toEqual([
      ["telegram:3001", "chat", "telegram:-4001", "surveys"],
      ["telegram:3001", "chat", "telegram:-4001", "results"],
      ["telegram:3001", "chat", "telegram:-4001", "news"],
    ]);
    expect(await inGroup("/subscriptions")).toEqual([
      "Abonnements dieses Chats\n• Neuigkeiten der Initiativen – Initiative Freiwillige Feuerwehr Hammah\n• Ergebnisse des Bürgerrats – alle Orte\n• Umfragen – Hammah",
    ]);
  });

  it("explains the usage and unknown places", async () => {
    const usage = await inGroup("/subscribe", { admin: true });
    expect(usage[0]).toContain("/subscribe KANAL [ORT]");
    expect(usage[1]).toContain("news – Neuigkeiten der Initiativen");
    expect((await inGroup("/subscribe surveys Atlantis", { admin: true }))[0]).toContain("Den Ort „Atlantis“ kenne ich nicht");
    const matrixUsage = await inGroup("/unsubscribe weather", { admin: true, channel: "matrix", chat: "!room:x" });
    expect(matrixUsage[0]).toContain("!unsubscribe KANAL");
  });

  it("routes a publish to the subscribed group in the subscribing admin's language", async () => {
    await inGroup("/subscribe ideas", { admin: true, chat: "-4002", user: "3002" });
    const publisher = createOutboxPublisher({ access: h.access, clock: h.clock });
    const hammah = await h.db.prisma.area.findUniqueOrThrow({ where: { slug: "hammah" } });
    const receipt = await publisher.publish({
      audience: { kind: "feed", feed: "surveys", areaId: hammah.id },
      origin: "survey:7:opened",
      title: "Spielplatz Hammah",
      content: (locale) => ({ html: locale === "de" ? "Neue Umfrage" : "New survey" }),
    });
    const rows = await h.db.prisma.delivery.findMany({ where: { broadcastId: receipt.broadcastId } });
    expect(rows.map((r) => [r.chatId, r.locale])).toEqual([["-4001", "de"]]);
  });

  it("ends a feed's subscriptions with /unsubscribe", async () => {
    expect(await inGroup("/unsubscribe surveys", { admin: true })).toEqual(["Abonnement beendet: Umfragen."]);
    expect(await inGroup("/unsubscribe surveys", { admin: true })).toEqual(["Dieser Chat hatte Umfragen nicht abonniert."]);
    expect(await h.db.prisma.auditLog.count({ where: { action: "subscription.remove", targetId: "telegram:-4001", reason: "surveys" } })).toBe(1);
    expect((await inGroup("/subscriptions"))[0]).not.toContain("Umfragen");
  });

  it("is for groups only", async () => {
    const resident = { channel: "telegram" as const, userId: "3003" };
    await h.onboard(resident);
    const replies = await h.send(resident, "/subscribe news");
    expect(replies.map((r) => r.text)).toEqual([h.translator.t("de", "common:group-only")]);
  });
});

describe("/broadcasts", () => {
  it("shows each publish with sent, pending and failed counts to admins only", async () => {
    expect(await inGroup("/broadcasts", { user: "3005" })).toEqual([
      "Diese Übersicht ist Administratorinnen und Administratoren vorbehalten.",
    ]);
    await h.db.prisma.roleAssignment.create({ data: { identity: "telegram:3005", role: "admin", scope: "*", grantedBy: "test" } });
    const latest = await h.db.prisma.broadcast.findFirstOrThrow({ orderBy: { id: "desc" } });
    await h.db.prisma.delivery.createMany({
      data: [
        { broadcastId: latest.id, channel: "telegram", chatId: "a1", locale: "de", status: "sent" },
        { broadcastId: latest.id, channel: "telegram", chatId: "a2", locale: "de", status: "failed" },
        { broadcastId: latest.id, channel: "telegram", chatId: "a3", locale: "de", status: "sending" },
      ],
    });
    const [text] = await inGroup("/broadcasts", { user: "3005" });
    expect(text).toContain(`#${latest.id} Spielplatz Hammah`);
    expect(text).toContain("zugestellt 1 · ausstehend 2 · fehlgeschlagen 1");
    // Moderation cards carry their origin as title: shown in words, the time in Berlin, German format.
    const card = await h.db.prisma.broadcast.create({ data: { origin: "idea:1:submitted", title: "idea:1:submitted", createdAt: new Date("2026-07-01T10:05:00Z") } });
    await h.db.prisma.broadcast.create({ data: { origin: "report:1", title: "report:1" } });
    const [words] = await inGroup("/broadcasts", { user: "3005" });
    expect(words).toContain(`#${card.id} Idee 1: eingereicht (01.07.2026, 12:05)`);
    expect(words).toContain("Meldung 1 (");
    expect(words).not.toMatch(/report:1|idea:1:submitted|UTC/);
  });
});

describe("/broadcasts with many publishes", () => {
  it("pages them within the budget, each once, by button and by number", async () => {
    await h.db.prisma.roleAssignment.create({ data: { identity: "matrix:@admin3006:example.org", role: "admin", scope: "*", grantedBy: "test" } });
    await h.onboard({ channel: "telegram", userId: "3005" });
    const made: number[] = [];
    for (let i = 0; i < 60; i += 1) {
      const row = await h.db.prisma.broadcast.create({ data: { origin: `news:${9000 + i}:published`, title: `Rundruf${String(i).padStart(2, "0")} ${"Feuerwehr Hammah lädt ein. ".repeat(3)}` } });
      made.push(row.id);
    }
    const first = (await h.send({ channel: "telegram", userId: "3005" }, "/broadcasts"))[0]!;
    const pageCount = Number(/Seite 1 von (\d+)/.exec(first.text)![1]);
    expect(pageCount).toBeGreaterThan(1);
    const pages = [first];
    for (let next = first.choices.find((c) => c.label === "Weiter ›"); next; next = pages.at(-1)!.choices.find((c) => c.label === "Weiter ›")) {
      pages.push((await h.press({ channel: "telegram", userId: "3005" }, next.action))[0]!);
    }
    expect(pages).toHaveLength(pageCount);
    for (const page of pages) expect(page.text.length).toBeLessThanOrEqual(PAGE_CHARS);
    const seen = pages.flatMap((p) => [...p.text.matchAll(/#(\d+) Rundruf/g)].map((m) => Number(m[1])));
    expect(seen.sort((a, b) => a - b)).toEqual(made);

    // Matrix has no buttons: "1" is "Next ›" on the first page.
    const admin = { channel: "matrix" as const, userId: "@admin3006:example.org" };
    await h.onboard(admin);
    const numbered = (await h.send(admin, "/broadcasts", NO_BUTTONS))[0]!;
    expect(numbered.choices.map((c) => c.label)).toEqual(["Weiter ›"]);
    expect((await h.send(admin, "1", NO_BUTTONS))[0]!.text).toContain(`Seite 2 von ${pageCount}`);
  });
});
