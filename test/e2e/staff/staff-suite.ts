/**
 * The ambiguous numbered replies staff trip over, fed through one channel's real transport: two
 * moderation cards delivered by the outbox into the moderation chat, and the council result's
 * idea step. Each driver runs the same cases on whichever database the project selects.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { moderationCard, toModerators } from "../../../src/core/features/ideas/moderators.js";
import type { Translator } from "../../../src/core/ports/translator.js";
import { createModerationStore } from "../../../src/storage/stores/moderation-store.js";
import { createAreaStore } from "../../../src/storage/stores/area-store.js";
import { createOutboxPublisher } from "../../../src/storage/outbox/publisher.js";
import type { PrismaAccess } from "../../../src/storage/prisma-access.js";

/** What a channel's driver offers: one staff member (admin, moderator and council) typing in their chat. */
export interface StaffDriver {
  readonly access: PrismaAccess;
  readonly translator: Translator;
  /** What commands start with on this channel ("/" or "!"). */
  readonly prefix: string;
  /** The staff member types; resolves with the plain texts of the bot's answers. */
  type(text: string): Promise<string[]>;
  /** Sends what the outbox holds through the channel; resolves with the plain texts that arrived. */
  deliver(expected: number): Promise<string[]>;
  dispose(): Promise<void>;
}

export function runStaffSuite(channel: string, create: () => Promise<StaffDriver>, options: { skip?: string } = {}): void {
  describe.skipIf(options.skip !== undefined)(`numbered replies of staff through ${channel}${options.skip ? ` (skipped: ${options.skip})` : ""}`, () => {
    let d: StaffDriver;
    const ideas: number[] = [];
    const status = async (id: number) => (await d.access.client().idea.findUniqueOrThrow({ where: { id } })).status;

    beforeAll(async () => {
      d = await create();
      const area = await d.access.client().area.findFirstOrThrow({ where: { slug: "hammah" } });
      for (const title of ["Bänke am Wanderweg", "Licht am Bolzplatz"]) {
        const idea = await d.access.client().idea.create({ data: { title, description: `${title}: bitte prüfen.`, category: "community", areaId: area.id } });
        ideas.push(idea.id);
      }
      expect((await d.type(`${d.prefix}modchat`)).join("\n")).toMatch(/Dieser Chat erhält|This chat now receives/);
    }, 180_000);
    afterAll(async () => d?.dispose());

    it("two delivered cards name their idea; “1” is asked back and approves nothing; the answer's number acts once", async () => {
      // The cards as submit-flow sends them: to the moderation chat through the outbox.
      const deps = { moderation: createModerationStore(d.access), areas: createAreaStore(d.access), publisher: createOutboxPublisher({ access: d.access, clock: { now: () => new Date() } }) };
      for (const id of ideas) {
        const idea = await d.access.client().idea.findUniqueOrThrow({ where: { id } });
        const card = { ...idea, supportCount: 0, status: "pending" as const, authorId: null, photoId: null, priorityRank: null };
        await toModerators(deps, idea.areaId, `idea:${id}:submitted`, (locale) => moderationCard({ translator: d.translator }, card, "Hammah", locale));
      }
      const cards = (await d.deliver(2)).join("\n");
      for (const id of ideas) expect(cards).toContain(`Freigeben #${id}`);

      const asked = (await d.type("1")).join("\n");
      expect(asked).toContain(`„Freigeben #${ideas[0]}“ oder „Freigeben #${ideas[1]}“`);
      expect(await status(ideas[0]!)).toBe("pending");
      expect(await status(ideas[1]!)).toBe("pending");

      expect((await d.type("2")).join("\n")).toContain(`Idee #${ideas[1]} „Licht am Bolzplatz“ ist freigegeben`);
      expect(await status(ideas[0]!)).toBe("pending");
      expect(await status(ideas[1]!)).toBe("approved");
      expect((await d.type(`${d.prefix}approve ${ideas[0]}`)).join("\n")).toContain(`Idee #${ideas[0]}`);
      expect(await status(ideas[0]!)).toBe("approved");
    });

    it("the council result's idea step asks whether “2” is idea #2 or Cancel and keeps the draft", async () => {
      await d.type(`${d.prefix}result`);
      await d.type("Bänke und Licht");
      const step = (await d.type("Der Rat empfiehlt, beides im Frühjahr umzusetzen.")).join("\n");
      expect(step).toContain("mit #");
      const second = ideas[1]!;
      const cancelNumber = 2;
      // The test ideas are #1 and #2 of a fresh database: "2" may be meant as the idea.
      expect(second).toBe(cancelNumber);
      const asked = (await d.type(String(cancelNumber))).join("\n");
      expect(asked).toContain(`die Idee #${second} „Licht am Bolzplatz“ oder „Entwurf „Bänke und Licht“ verwerfen“`);
      expect(await d.access.client().councilResult.count()).toBe(0);
      expect((await d.type("1")).join("\n")).toMatch(/Entwurf #\d+ ist gespeichert/);
      const draft = await d.access.client().councilResult.findFirstOrThrow({ include: { ideas: true } });
      expect(draft.title).toBe("Bänke und Licht");
      expect(draft.ideas.map((i) => i.ideaId)).toEqual([second]);
    });
  });
}
