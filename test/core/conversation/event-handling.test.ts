import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InboundEvent } from "../../../src/core/model/inbound-event.js";
import { createCoreHarness, BUTTONS, type CoreHarness, type Person } from "../../support/core-harness.js";
import { tinyPng } from "../../support/tiny-png.js";

let h: CoreHarness;
beforeAll(async () => {
  h = await createCoreHarness();
});
afterAll(async () => h.dispose());

const event = (id: string, userId: string, text: string, chatKind: "private" | "group" = "private", chatId = userId): InboundEvent => ({
  eventId: `telegram:update:${id}`,
  channel: "telegram",
  chat: { id: chatId, kind: chatKind },
  senderId: `telegram:${userId}`,
  payload: { type: "text", text },
  receivedAt: new Date(),
});

describe("inbound events", () => {
  it("handles a redelivered event once", async () => {
    const first = await h.core.handle(event("1", "4001", "/start"), BUTTONS);
    const again = await h.core.handle(event("1", "4001", "/start"), BUTTONS);
    expect(first.duplicate).toBe(false);
    expect(first.messages.length).toBeGreaterThan(0);
    expect(again).toMatchObject({ duplicate: true, messages: [] });
    expect(await h.db.prisma.processedEvent.count({ where: { id: "telegram:update:1" } })).toBe(1);
  });

  it("gives a redelivered duplicate the replies its first handling kept, and a plain one nothing", async () => {
    const first = await h.core.handle(event("k1", "4011", "/start"), BUTTONS);
    expect(first.messages.length).toBeGreaterThan(0);
    const plain = await h.core.handle(event("k1", "4011", "/start"), BUTTONS);
    expect(plain).toMatchObject({ duplicate: true, messages: [] });
    const redelivered = await h.core.handle({ ...event("k1", "4011", "/start"), redelivered: true }, BUTTONS);
    expect(redelivered.duplicate).toBe(true);
    expect(redelivered.locale).toBe(first.locale);
    expect(redelivered.messages).toEqual(first.messages);
    // Sending again changed nothing: still one resident, one conversation.
    expect(await h.db.prisma.identity.count({ where: { id: "telegram:4011" } })).toBe(1);
  });

  it("keeps no reply for a turn without one, and ignores a kept reply it cannot read", async () => {
    // A number in a group where nothing was offered: handled, recorded, answered with nothing.
    await h.core.handle(event("k2", "4012", "5", "group", "-200"), BUTTONS);
    const silent = await h.db.prisma.processedEvent.findUniqueOrThrow({ where: { id: "telegram:update:k2" } });
    expect(silent.reply).toBeNull();

    await h.core.handle(event("k3", "4012", "/start"), BUTTONS);
    await h.db.prisma.processedEvent.update({ where: { id: "telegram:update:k3" }, data: { reply: { locale: "fr", messages: "?" } } });
    const again = await h.core.handle({ ...event("k3", "4012", "/start"), redelivered: true }, BUTTONS);
    expect(again).toMatchObject({ duplicate: true, messages: [] });
  });

  it("serialises events of one chat that arrive at the same moment", async () => {
    const person: Person = { channel: "telegram", userId: "4002" };
    await h.onboard(person);
    const results = await Promise.all(
      ["settings:lang:en", "settings:lang:de", "settings:lang:en", "settings:lang:de"].map((action) => h.press(person, action)),
    );
    expect(results.every((r) => r.length === 2)).toBe(true);
    const rows = await h.db.prisma.resident.count({ where: { identities: { some: { id: "telegram:4002" } } } });
    expect(rows).toBe(1);
  });

  it("creates one resident when the first two messages of a person race", async () => {
    await Promise.all([h.core.handle(event("a1", "4003", "hi"), BUTTONS), h.core.handle(event("a2", "4003", "hi", "private", "other-chat"), BUTTONS)]);
    expect(await h.db.prisma.identity.count({ where: { id: "telegram:4003" } })).toBe(1);
  });

  it("ignores chatter in groups and keeps private flows private", async () => {
    const chatter = await h.core.handle(event("g1", "4004", "hello everyone", "group", "-100"), BUTTONS);
    expect(chatter.messages).toEqual([]);
    // Nothing of someone who only chats in the group is recorded: no account, no event record.
    expect(await h.db.prisma.identity.count({ where: { id: "telegram:4004" } })).toBe(0);
    expect(await h.db.prisma.processedEvent.count({ where: { id: "telegram:update:g1" } })).toBe(0);
    const settings = await h.core.handle(event("g2", "4004", "/settings", "group", "-100"), BUTTONS);
    expect(settings.messages[0]!.html).toContain("privaten Chat");
    const help = await h.core.handle(event("g3", "4004", "/help@mitreden_bot", "group", "-100"), BUTTONS);
    expect(help.messages[0]!.html).toContain("In Gruppen reagiere ich nur auf Befehle");
  });

  it("escapes what residents write before it is shown", async () => {
    const person: Person = { channel: "telegram", userId: "4005" };
    await h.onboard(person);
    const replies = await h.send(person, "/<b>x</b>");
    expect(replies[0]!.message.html).not.toContain("<b>x");
    const unknown = await h.send(person, "/nosuch");
    expect(unknown[0]!.message.html).toContain("nosuch");
  });
});

describe("photos outside a flow that asks for one", () => {
  const photo = { status: "ok", bytes: tinyPng(), mimeType: "image/png" } as const;

  it("are not kept; the resident learns where photos go and gets the menu", async () => {
    const person: Person = { channel: "telegram", userId: "4101" };
    await h.onboard(person);
    const replies = await h.sendPhoto(person, photo, "Schaut mal");
    expect(replies[0]!.text).toContain("Ein Foto kann ich hier nicht verwenden");
    expect(replies).toHaveLength(2); // the explanation, then the main menu
    expect(replies[1]!.choices.length).toBeGreaterThan(0);
    expect(await h.db.prisma.photo.count()).toBe(0);
  });

  it("resume onboarding for someone who has not finished it", async () => {
    const replies = await h.sendPhoto({ channel: "telegram", userId: "4102" }, photo);
    expect(replies.at(-1)!.choices.map((c) => c.action)).toContain("onboarding:lang:de");
    expect(await h.db.prisma.photo.count()).toBe(0);
  });

  it("are ignored in groups", async () => {
    const group: Person = { channel: "telegram", userId: "4103", chatId: "-4100", chatKind: "group" };
    expect(await h.sendPhoto(group, photo)).toEqual([]);
    expect(await h.db.prisma.identity.count({ where: { id: "telegram:4103" } })).toBe(0);
  });
});
