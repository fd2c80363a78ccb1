import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InboundEvent } from "../../../src/core/model/inbound-event.js";
import { htmlToPlain } from "../../../src/core/render/plain-text.js";
import { createCoreHarness, type CoreHarness, type Person } from "../../support/core-harness.js";
import { fullFeatures } from "../../e2e/hostile/full-features.js";

let h: CoreHarness;
beforeAll(async () => {
  h = await createCoreHarness({ features: fullFeatures });
});
afterAll(async () => h.dispose());

const plain = (key: string, values?: Record<string, string | number>) => htmlToPlain(h.translator.t("de", key, values));
let next = 0;
const person = (): Person => ({ channel: "telegram", userId: String(880000 + ++next), name: `Probe ${next}` });
const residentOf = async (p: Person) => (await h.db.prisma.identity.findUnique({ where: { id: `${p.channel}:${p.userId}` } }))?.residentId;

describe("erase: the confirmation", () => {
  it("offers cancel first and confirm second, and says what goes and what stays", async () => {
    const anna = person();
    await h.onboard(anna);
    const [question] = await h.press(anna, "erase:ask");
    expect(question!.choices.map((c) => c.action)).toEqual(["erase:cancel", "erase:confirm"]);
    expect(question!.text).toContain(plain("erase:contributions-anonymise"));
    expect(question!.text).toContain(plain("erase:stays"));
    expect(question!.text).toContain(plain("erase:final", { count: 10 }));
    const cancelled = await h.press(anna, "erase:cancel");
    expect(cancelled[0]!.text).toBe(plain("erase:cancelled"));
    expect(await residentOf(anna)).toBeDefined();
  });

  it("does not count once the short time after asking has passed", async () => {
    const bert = person();
    await h.onboard(bert);
    await h.send(bert, "/delete");
    h.clock.advance(10 * 60_000 + 1);
    const late = await h.press(bert, "erase:confirm");
    expect(late[0]!.text).toBe(plain("erase:expired"));
    expect(late[0]!.choices.map((c) => c.action)).toEqual(["erase:ask"]);
    expect(await residentOf(bert)).toBeDefined();
    // Asking again starts a new time.
    await h.press(bert, "erase:ask");
    h.clock.advance(9 * 60_000);
    expect((await h.press(bert, "erase:confirm"))[0]!.text).toBe(plain("erase:done"));
    expect(await residentOf(bert)).toBeUndefined();
  });

  it("does not count without a question, in a group, or from someone claiming another's chat", async () => {
    const carla = person();
    await h.onboard(carla);
    expect((await h.press(carla, "erase:confirm"))[0]!.text).toBe(plain("erase:expired"));
    expect((await h.send({ ...carla, chatId: "-100123", chatKind: "group" }, "/delete"))[0]!.text).toBe(plain("common:private-only"));
    expect((await h.press({ ...carla, chatId: "-100123", chatKind: "group" }, "erase:ask"))[0]!.text).toBe(plain("common:private-only"));

    await h.send(carla, "/delete");
    // A forged press from another account naming Carla's chat: the question was asked of Carla.
    const mallory: Person = { channel: "telegram", userId: "889999", chatId: carla.userId };
    await h.onboard({ channel: "telegram", userId: "889999" });
    await h.press(mallory, "erase:confirm");
    expect(await residentOf(carla)).toBeDefined();
    expect(await residentOf({ channel: "telegram", userId: "889999" })).toBeDefined();
  });

  it("a redelivery of the erasing event changes nothing and brings nobody back", async () => {
    const dora = person();
    await h.onboard(dora);
    await h.send(dora, "/delete");
    const event: InboundEvent = {
      eventId: "telegram:update:erase-redelivery",
      channel: "telegram",
      chat: { id: dora.userId, kind: "private" },
      trustedPrivateChatId: dora.userId,
      senderId: `telegram:${dora.userId}`,
      payload: { type: "action", action: "erase:confirm" },
      receivedAt: h.clock.now(),
    };
    expect((await h.deliver(event))[0]!.text).toBe(plain("erase:done"));
    expect(await h.deliver({ ...event, redelivered: true })).toEqual([]);
    expect(await residentOf(dora)).toBeUndefined();
    expect(await h.db.prisma.processedEvent.findUnique({ where: { id: event.eventId } })).toMatchObject({ identityId: null, reply: null });
  });

  it("is listed by /help for residents and usable before onboarding is finished", async () => {
    const erin = person();
    await h.send(erin, "/start");
    const [question] = await h.send(erin, "/delete");
    expect(question!.choices.map((c) => c.action)).toEqual(["erase:cancel", "erase:confirm"]);
    expect((await h.press(erin, "erase:confirm"))[0]!.text).toBe(plain("erase:done"));
    expect(await residentOf(erin)).toBeUndefined();
    const fresh = person();
    await h.onboard(fresh);
    expect((await h.send(fresh, "/help")).map((r) => r.text).join("\n")).toContain(plain("erase:command"));
  });
});
