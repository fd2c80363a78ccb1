import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCoreHarness, BUTTONS, type CoreHarness, type Person } from "../../support/core-harness.js";

let h: CoreHarness;
beforeAll(async () => {
  h = await createCoreHarness();
});
afterAll(async () => h.dispose());

describe("localeFor: the language of answers outside a turn", () => {
  it("is the resident's chosen language, else the platform hint, else German", async () => {
    const ute: Person = { channel: "telegram", userId: "6001", localeHint: "de-DE" };
    await h.onboard(ute, { locale: "en" });
    expect(await h.core.localeFor("telegram:6001", "de-DE")).toBe("en");
    expect(await h.core.localeFor("telegram:6999", "en-GB")).toBe("en");
    expect(await h.core.localeFor("telegram:6999", undefined)).toBe("de");
  });

  it("falls back to the hint when the database itself is what fails", async () => {
    const broken = await createCoreHarness();
    await broken.onboard({ channel: "telegram", userId: "6002" }, { locale: "de" });
    await broken.dispose();
    expect(await broken.core.localeFor("telegram:6002", "en")).toBe("en");
  });
});

describe("the stored private chat", () => {
  it("comes only from a chat the channel vouches for", async () => {
    const vera: Person = { channel: "telegram", userId: "6003" };
    await h.onboard(vera);
    const stored = async () => (await h.db.prisma.identity.findUniqueOrThrow({ where: { id: "telegram:6003" } })).privateChatId;
    expect(await stored()).toBe("6003");
    // A private chat the channel does not vouch for (a button press claiming someone else's chat).
    await h.deliver(
      {
        eventId: "telegram:update:spoof-1",
        channel: "telegram",
        chat: { id: "6099", kind: "private" },
        senderId: "telegram:6003",
        payload: { type: "action", action: "menu:open" },
        receivedAt: h.clock.now(),
      },
      BUTTONS,
    );
    expect(await stored()).toBe("6003");
    // A first contact through such a chat stores none at all.
    await h.deliver({
      eventId: "telegram:update:spoof-2",
      channel: "telegram",
      chat: { id: "6098", kind: "private" },
      senderId: "telegram:6004",
      payload: { type: "text", text: "/start" },
      receivedAt: h.clock.now(),
    });
    expect((await h.db.prisma.identity.findUniqueOrThrow({ where: { id: "telegram:6004" } })).privateChatId).toBeNull();
  });
});
