import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InboundEvent } from "../../../src/core/model/inbound-event.js";
import { cleanInboundEvent } from "../../../src/core/text/clean-event.js";
import { createCoreHarness, type CoreHarness } from "../../support/core-harness.js";

const base: InboundEvent = {
  eventId: "test:clean:1",
  channel: "telegram",
  chat: { id: "-77", kind: "group", title: "Dorf\u0000chat" },
  senderId: "telegram:77",
  senderName: "A\u0000nna\u0007",
  payload: { type: "text", text: "hello\u0000world\ud800" },
  receivedAt: new Date("2026-12-01T10:00:00Z"),
};

describe("cleanInboundEvent", () => {
  it("cleans text, action, caption, sender name and chat title and leaves clean events as they are", () => {
    const cleaned = cleanInboundEvent(base);
    expect(cleaned).toMatchObject({ chat: { id: "-77", kind: "group", title: "Dorfchat" }, senderName: "Anna", payload: { type: "text", text: "helloworld" } });
    expect(cleanInboundEvent({ ...base, payload: { type: "action", action: "menu:\u0000open" } }).payload).toEqual({ type: "action", action: "menu:open" });
    expect(cleanInboundEvent({ ...base, payload: { type: "photo", photo: { status: "unsupported" }, caption: "Bank\u0000" } }).payload).toEqual({
      type: "photo",
      photo: { status: "unsupported" },
      caption: "Bank",
    });
    const clean: InboundEvent = { ...base, chat: { id: "1", kind: "private" }, senderName: "Anna", payload: { type: "text", text: "hi" } };
    expect(cleanInboundEvent(clean)).toBe(clean);
  });
});

describe("the core as the last defence", () => {
  let harness: CoreHarness;
  beforeAll(async () => {
    harness = await createCoreHarness();
  });
  afterAll(async () => harness?.dispose());

  it("stores no NUL or lone surrogate from an event a channel did not clean", async () => {
    const replies = await harness.deliver({ ...base, chat: { id: "77", kind: "private" }, senderName: "Ev\u0000e\ud800" });
    expect(replies.length).toBeGreaterThan(0);
    const identity = await harness.db.prisma.identity.findUnique({ where: { id: "telegram:77" } });
    expect(identity?.displayName).toBe("Eve");
  });
});
