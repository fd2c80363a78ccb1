import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStayFeature } from "../../../src/core/features/privacy/stay-feature.js";
import { createMaintenance } from "../../../src/storage/maintenance.js";
import { createOutboxPublisher } from "../../../src/storage/outbox/publisher.js";
import { createStayStore } from "../../../src/storage/stores/stay-store.js";
import { createCoreHarness, NO_BUTTONS, type CoreHarness, type Person } from "../../support/core-harness.js";
import { silentLogger } from "../../support/silent-logger.js";

const DAY = 24 * 3_600_000;
let h: CoreHarness;
const anna: Person = { channel: "telegram", userId: "9201" };
const ben: Person = { channel: "matrix", userId: "@ben:example.org", chatId: "!ben:example.org" };

beforeAll(async () => {
  h = await createCoreHarness({ features: ({ access }) => [createStayFeature({ stay: createStayStore(access) })] });
  await h.onboard(anna);
  await h.onboard(ben, { locale: "en" });
});
afterAll(async () => h.dispose());

/** Puts the resident where the maintenance leaves one it asked `daysAgo` days ago after two silent years. */
async function askedLongAgo(person: Person, daysAgo: number): Promise<number> {
  const prisma = h.db.prisma;
  const identity = await prisma.identity.findUniqueOrThrow({ where: { id: `${person.channel}:${person.userId}` } });
  const askedAt = new Date(h.clock.now().getTime() - daysAgo * DAY);
  await prisma.resident.update({ where: { id: identity.residentId }, data: { stayAskedAt: askedAt, createdAt: new Date(askedAt.getTime() - 800 * DAY) } });
  await prisma.identity.update({ where: { id: identity.id }, data: { lastSeenAt: new Date(askedAt.getTime() - 740 * DAY) } });
  return identity.residentId;
}

function maintenanceErasing(erased: number[]) {
  return createMaintenance({
    access: h.access,
    clock: h.clock,
    logger: silentLogger,
    publisher: createOutboxPublisher({ access: h.access, clock: h.clock }),
    translator: h.translator,
    erase: async (id) => void erased.push(id),
  });
}

describe("the stay question", () => {
  it("keeps an asked resident who presses 'I want to stay', also after the answer period", async () => {
    const id = await askedLongAgo(anna, 29);
    const replies = await h.press(anna, "stay:yes");
    expect(replies[0]!.text).toBe("Danke! Ihr Konto bleibt bestehen, es wird nichts gelöscht.");
    expect(replies[0]!.choices.map((c) => c.action)).toEqual(["menu:open"]);
    expect((await h.db.prisma.resident.findUniqueOrThrow({ where: { id } })).stayAskedAt).toBeNull();

    h.clock.advance(2 * DAY);
    const erased: number[] = [];
    const report = await maintenanceErasing(erased).runOnce();
    expect(erased).not.toContain(id);
    expect(report.asked).toBe(0);
  });

  it("answers the numbered choice of a chat without buttons, in the resident's language", async () => {
    const id = await askedLongAgo(ben, 10);
    // The dispatcher remembers a delivered question's choices for such chats.
    await h.stores.conversations.rememberChoices("matrix:!ben:example.org", [
      { label: "Yes", action: "stay:yes" },
      { label: "Delete", action: "erase:ask" },
    ]);
    const replies = await h.send(ben, "1", NO_BUTTONS);
    expect(replies[0]!.text).toBe("Thank you! Your account stays; nothing will be deleted.");
    expect((await h.db.prisma.resident.findUniqueOrThrow({ where: { id } })).stayAskedAt).toBeNull();
  });

  it("erases an asked resident who did not answer (the contrast to the above)", async () => {
    const id = await askedLongAgo(anna, 31);
    const erased: number[] = [];
    await maintenanceErasing(erased).runOnce();
    expect(erased).toContain(id);
  });

  it("calls an unknown verb stale", async () => {
    const replies = await h.press(anna, "stay:maybe");
    expect(replies[0]!.text).toContain("nicht mehr gültig");
  });
});
