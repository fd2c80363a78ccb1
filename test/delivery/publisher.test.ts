import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOutboxFixture, textContent, type OutboxFixture } from "./outbox-fixture.js";

let f: OutboxFixture;
beforeAll(async () => {
  f = await createOutboxFixture();
});
afterAll(async () => f.dispose());

const rowsOf = (broadcastId: number) =>
  f.prisma.delivery.findMany({ where: { broadcastId }, orderBy: { chatId: "asc" } });

describe("outbox publisher", () => {
  it("writes one row per subscribed chat along the area lineage, never to other villages", async () => {
    const hammah = await f.area("hammah");
    const burweg = await f.area("burweg");
    const root = await f.area("oldendorf-himmelpforten");
    await f.subscribe("-100", "surveys", hammah, { locale: "en" });
    await f.subscribe("-101", "surveys", root);
    await f.subscribe("-102", "surveys", null);
    await f.subscribe("-103", "surveys", burweg);
    await f.subscribe("-104", "surveys", hammah, { active: false });
    await f.subscribe("-105", "results", hammah);
    // One chat subscribed twice (its village and everything) still gets one message.
    await f.subscribe("-106", "surveys", hammah);
    await f.subscribe("-106", "surveys", null);

    const receipt = await f.publisher.publish({
      audience: { kind: "feed", feed: "surveys", areaId: hammah },
      origin: "survey:1:opened",
      title: "Umfrage Hammah",
      content: textContent("Neue Umfrage"),
    });
    const rows = await rowsOf(receipt.broadcastId);
    expect(rows.map((r) => r.chatId)).toEqual(["-100", "-101", "-102", "-106"]);
    expect(receipt.recipients).toBe(4);
    expect(rows.every((r) => r.status === "pending" && r.attempts === 0)).toBe(true);
    expect(rows.find((r) => r.chatId === "-100")!.locale).toBe("en");
    const contents = await f.prisma.broadcastContent.findMany({ where: { broadcastId: receipt.broadcastId }, orderBy: { locale: "asc" } });
    expect(contents.map((c) => [c.locale, c.html])).toEqual([
      ["de", "Neue Umfrage"],
      ["en", "Neue Umfrage (en)"],
    ]);
  });

  it("refuses a publication that carries a file, writing nothing", async () => {
    const broadcasts = await f.prisma.broadcast.count();
    const file = { bytes: new Uint8Array([123, 125]), fileName: "mydata.json", mimeType: "application/json" };
    const smuggled = { html: "Daten", file } as unknown as { html: string };
    await expect(
      f.publisher.publish({ audience: { kind: "chat", channel: "telegram", chatId: "42" }, origin: "test:file", title: "Datei", content: () => smuggled }),
    ).rejects.toThrow(/files are never broadcast/);
    expect(await f.prisma.broadcast.count()).toBe(broadcasts);
  });

  it("reaches village subscriptions with items for the whole municipality", async () => {
    const root = await f.area("oldendorf-himmelpforten");
    const receipt = await f.publisher.publish({
      audience: { kind: "feed", feed: "surveys", areaId: root },
      origin: "survey:2:opened",
      title: "Umfrage Samtgemeinde",
      content: textContent("Alle"),
    });
    expect((await rowsOf(receipt.broadcastId)).map((r) => r.chatId)).toEqual(["-100", "-101", "-102", "-103", "-106"]);
    const everywhere = await f.publisher.publish({
      audience: { kind: "feed", feed: "surveys", areaId: null },
      origin: "survey:3:opened",
      title: "ohne Ort",
      content: textContent("x"),
    });
    expect(everywhere.recipients).toBe(5);
  });

  it("writes the broadcast and its rows atomically with the caller's work", async () => {
    const before = await f.prisma.broadcast.count();
    const deliveries = await f.prisma.delivery.count();
    await expect(
      f.access.run(async () => {
        await f.publisher.publish({
          audience: { kind: "feed", feed: "surveys", areaId: null },
          origin: "survey:4:opened",
          title: "rolled back",
          content: textContent("x"),
        });
        throw new Error("the survey could not be opened after all");
      }),
    ).rejects.toThrow("could not be opened");
    expect(await f.prisma.broadcast.count()).toBe(before);
    expect(await f.prisma.delivery.count()).toBe(deliveries);
  });

  it("reaches residents through their most recently seen private chat, in their language", async () => {
    const anna = await f.prisma.resident.create({ data: { locale: "en" } });
    await f.prisma.identity.create({
      data: { id: "telegram:501", channel: "telegram", residentId: anna.id, privateChatId: "501", lastSeenAt: new Date("2026-01-01") },
    });
    await f.prisma.identity.create({
      data: { id: "matrix:@anna:x", channel: "matrix", residentId: anna.id, privateChatId: "!dm:x", lastSeenAt: new Date("2026-06-01") },
    });
    const bert = await f.prisma.resident.create({ data: {} });
    await f.prisma.identity.create({ data: { id: "telegram:502", channel: "telegram", residentId: bert.id, privateChatId: "502" } });
    const carl = await f.prisma.resident.create({ data: {} });
    await f.prisma.identity.create({ data: { id: "telegram:503", channel: "telegram", residentId: carl.id } });

    const receipt = await f.publisher.publish({
      audience: { kind: "residents", residentIds: [anna.id, bert.id, carl.id, anna.id] },
      origin: "idea:1:approved",
      title: "Idee freigegeben",
      content: textContent("Ihre Idee"),
    });
    const rows = await rowsOf(receipt.broadcastId);
    expect(rows.map((r) => [r.channel, r.chatId, r.locale])).toEqual([
      ["matrix", "!dm:x", "en"],
      ["telegram", "502", "de"],
    ]);
    expect(receipt.recipients).toBe(2);
  });

  it("writes a single row for a one-chat audience", async () => {
    const receipt = await f.publisher.publish({
      audience: { kind: "chat", channel: "matrix", chatId: "!mod:x", locale: "en" },
      origin: "moderation:queue",
      title: "Moderation",
      content: textContent("Neue Idee wartet"),
    });
    expect((await rowsOf(receipt.broadcastId)).map((r) => [r.chatId, r.locale])).toEqual([["!mod:x", "en"]]);
  });
});
