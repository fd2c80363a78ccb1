import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStayFeature } from "../../src/core/features/privacy/stay-feature.js";
import { createMaintenance, type Maintenance } from "../../src/storage/maintenance.js";
import { createOutboxPublisher } from "../../src/storage/outbox/publisher.js";
import { createStayStore } from "../../src/storage/stores/stay-store.js";
import { createCoreHarness, type CoreHarness, type Person } from "../support/core-harness.js";
import { silentLogger } from "../support/silent-logger.js";

const DAY = 24 * 3_600_000;
const anna: Person = { channel: "telegram", userId: "9101" };
const carl: Person = { channel: "telegram", userId: "9102" };
const bert: Person = { channel: "telegram", userId: "9103" };
const mia: Person = { channel: "telegram", userId: "9104" };
const dora: Person = { channel: "telegram", userId: "9105" };
const frida: Person = { channel: "telegram", userId: "9106" };

let h: CoreHarness;
let maintenance: Maintenance;
const erased: number[] = [];
let erasedInsideUnitOfWork = true;
const ids: Record<string, number> = {};

const residentOf = async (person: Person) =>
  (await h.db.prisma.identity.findUniqueOrThrow({ where: { id: `${person.channel}:${person.userId}` } })).residentId;
const stayAskedAt = async (name: string) => (await h.db.prisma.resident.findUnique({ where: { id: ids[name]! } }))?.stayAskedAt ?? null;
const questions = () =>
  h.db.prisma.delivery.findMany({ where: { broadcast: { origin: "retention:stay-question" } }, orderBy: { chatId: "asc" }, include: { broadcast: { include: { contents: true } } } });

beforeAll(async () => {
  h = await createCoreHarness({ features: ({ access }) => [createStayFeature({ stay: createStayStore(access) })] });
  const prisma = h.db.prisma;
  const start = h.clock.now();
  await h.onboard(anna, { locale: "en" });
  await h.onboard(carl);
  await h.onboard(bert);
  await h.onboard(mia);
  // Dora and Frida opened the chat and never finished onboarding; Frida still left an idea.
  await h.send(dora, "/start");
  await h.send(frida, "/start");
  for (const [name, person] of Object.entries({ anna, carl, bert, mia, dora, frida })) ids[name] = await residentOf(person);
  await prisma.idea.create({ data: { title: "Bank", description: "Am Teich", category: "other", authorId: ids["frida"]! } });
  // Emil only ever wrote in a group: no private chat to ask him in.
  const emil = await prisma.resident.create({
    data: { locale: "de", onboardedAt: start, privacyAcceptedAt: start, identities: { create: { id: "matrix:@emil:example.org", channel: "matrix" } } },
  });
  ids["emil"] = emil.id;
  await prisma.resident.updateMany({ where: { id: { in: Object.values(ids) } }, data: { createdAt: new Date(start.getTime() - DAY) } });
  await prisma.identity.updateMany({ where: { residentId: { in: Object.values(ids) } }, data: { lastSeenAt: new Date(start.getTime() - DAY) } });

  // Two years and a bit later.
  h.clock.advance(Date.parse("2029-01-10T09:00:00Z") - start.getTime());
  const now = h.clock.now();
  await prisma.identity.update({ where: { id: "telegram:9103" }, data: { lastSeenAt: new Date(now.getTime() - 30 * DAY) } });
  // Mia's Telegram is silent, but she wrote through Matrix two months ago.
  await prisma.identity.create({
    data: { id: "matrix:@mia:example.org", channel: "matrix", residentId: ids["mia"]!, privateChatId: "!mia:example.org", lastSeenAt: new Date(now.getTime() - 60 * DAY) },
  });

  maintenance = createMaintenance({
    access: h.access,
    clock: h.clock,
    logger: silentLogger,
    publisher: createOutboxPublisher({ access: h.access, clock: h.clock }),
    translator: h.translator,
    erase: async (residentId) => {
      erasedInsideUnitOfWork &&= h.access.client() !== h.db.prisma;
      erased.push(residentId);
      await h.access.client().resident.delete({ where: { id: residentId } });
    },
  });
});
afterAll(async () => h.dispose());

describe("residents silent for the configured months", () => {
  it("asks each once, in their language and private chat, and removes one who never agreed to anything without asking", async () => {
    const report = await maintenance.runOnce();
    expect(report).toMatchObject({ asked: 4, unreachable: 1, erased: 0, neverOnboarded: 1 });
    expect(erased).toEqual([ids["dora"]]);
    expect(await h.db.prisma.resident.count({ where: { id: ids["dora"]! } })).toBe(0);

    const now = h.clock.now();
    for (const name of ["anna", "carl", "frida", "emil"]) expect(await stayAskedAt(name), name).toEqual(now);
    for (const name of ["bert", "mia"]) expect(await stayAskedAt(name), name).toBeNull();

    const rows = await questions();
    expect(rows.map((d) => [d.channel, d.chatId, d.locale, d.status])).toEqual([
      ["telegram", "9101", "en", "pending"],
      ["telegram", "9102", "de", "pending"],
      ["telegram", "9106", "de", "pending"],
    ]);
    const contents = rows[0]!.broadcast.contents;
    const en = contents.find((c) => c.locale === "en")!;
    const de = contents.find((c) => c.locale === "de")!;
    expect(en.html).toContain("more than 24 months");
    expect(en.html).toContain("February 9, 2029");
    expect(de.html).toContain("mehr als 24 Monaten");
    expect(de.html).toContain("9. Februar 2029");
    expect(en.choices).toEqual([[{ label: "I want to stay", action: "stay:yes" }], [{ label: "Delete my account now", action: "erase:ask" }]]);
    expect(de.choices).toEqual([[{ label: "Ich möchte bleiben", action: "stay:yes" }], [{ label: "Mein Konto jetzt löschen", action: "erase:ask" }]]);
  });

  it("does not ask anyone twice", async () => {
    h.clock.advance(DAY);
    expect(await maintenance.runOnce()).toMatchObject({ asked: 0, erased: 0, neverOnboarded: 0 });
    expect(await questions()).toHaveLength(3);
  });

  it("takes any later message as an answer, and 'I want to stay' too", async () => {
    await h.send(anna, "Hello again");
    expect(await stayAskedAt("anna")).toBeNull();
    const seen = await h.db.prisma.identity.findUniqueOrThrow({ where: { id: "telegram:9101" } });
    expect(seen.lastSeenAt).toEqual(h.clock.now());

    const replies = await h.press(frida, "stay:yes");
    expect(replies[0]!.text).toBe("Danke! Ihr Konto bleibt bestehen, es wird nichts gelöscht.");
    expect(await stayAskedAt("frida")).toBeNull();
  });

  it("keeps the unanswered until the answer period is over, then erases them through the injected erasure", async () => {
    h.clock.advance(28 * DAY); // 29 days after the question
    expect(await maintenance.runOnce()).toMatchObject({ erased: 0 });
    h.clock.advance(2 * DAY);
    const report = await maintenance.runOnce();
    expect(report).toMatchObject({ erased: 2, asked: 0 });
    expect(erased.slice(1).sort()).toEqual([ids["carl"], ids["emil"]].sort());
    expect(erasedInsideUnitOfWork).toBe(true);
    const left = await h.db.prisma.resident.findMany({ where: { id: { in: Object.values(ids) } }, select: { id: true } });
    expect(left.map((r) => r.id).sort()).toEqual([ids["anna"], ids["bert"], ids["mia"], ids["frida"]].sort());
  });
});
