/**
 * The hostile-input suite: every case of hostile-cases.ts through one channel, on whichever
 * database the project selects (PGlite and PostgreSQL). Per case it checks what a resident and an
 * operator would: the sender is answered in the language they chose, a bystander's /help right
 * behind is still answered (nothing is silenced), nothing a resident owns changed, and whatever was
 * stored is clean text.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { htmlToPlain } from "../../../src/core/render/plain-text.js";
import { cleanText } from "../../../src/core/text/clean-text.js";
import type { Translator } from "../../../src/core/ports/translator.js";
import type { PrismaAccess } from "../../../src/storage/prisma-access.js";
import { HOSTILE_CASES, type HostileCase, type HostileInput } from "./hostile-cases.js";

/** What a channel's driver offers the suite; each drives its real transport. */
export interface HostileDriver {
  readonly access: PrismaAccess;
  readonly translator: Translator;
  /** Whether this channel can carry the input at all (e.g. only Telegram has button data). */
  carries(input: HostileInput): boolean;
  /**
   * The hostile resident (onboarded in English, their platform hinting German) sends `input`;
   * resolves with the plain texts of the bot's answers to them, or with "refused-by-platform" when
   * the platform itself would not carry it (the bot never sees it; the rest is still checked).
   */
  attack(input: HostileInput): Promise<string[] | "refused-by-platform">;
  /** A German bystander sends /help; resolves with the plain texts of the answers. */
  bystanderHelp(): Promise<string[]>;
  dispose(): Promise<void>;
}

/** Tables whose rows only a resident's deliberate act creates; hostile input must change none. */
const OWNED_TABLES = ["Resident", "Identity", "Idea", "NewsItem", "Support", "Report", "Follow", "SurveyAnswer", "SurveyResponse", "RoleAssignment", "Subscription", "LinkCode"];

async function ownedCounts(access: PrismaAccess): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of OWNED_TABLES) {
    const rows = await access.client().$queryRawUnsafe<Array<{ n: bigint | number }>>(`SELECT count(*) AS n FROM "${table}"`);
    counts[table] = Number(rows[0]?.n ?? 0);
  }
  return counts;
}

/** Every text a turn may store about a resident: names, conversation state, kept replies. */
async function storedTexts(access: PrismaAccess): Promise<string[]> {
  const rows = await access.client().$queryRawUnsafe<Array<{ value: string | null }>>(
    `SELECT "displayName" AS value FROM "Identity"
     UNION ALL SELECT "data"::text FROM "Conversation"
     UNION ALL SELECT "reply"::text FROM "ProcessedEvent" WHERE "reply" IS NOT NULL`,
  );
  return rows.map((r) => r.value).filter((v): v is string => typeof v === "string");
}

export function runHostileSuite(channel: string, create: () => Promise<HostileDriver>, options: { skip?: string } = {}): void {
  describe.skipIf(options.skip !== undefined)(`hostile input through ${channel}${options.skip ? ` (skipped: ${options.skip})` : ""}`, () => {
    let driver: HostileDriver;
    beforeAll(async () => {
      driver = await create();
      // A pending idea, so privileged commands can be probed with an id that exists.
      await driver.access.client().idea.create({ data: { title: "Eine Bank am Dorfteich", description: "Zum Ausruhen.", category: "other" } });
    });
    afterAll(async () => driver?.dispose());

    const expected = (c: HostileCase, locale: "de" | "en") => htmlToPlain(driver.translator.t(locale, c.expect, c.values));

    it.each(HOSTILE_CASES.map((c) => [c.name, c] as const))("%s", async (_name, hostile) => {
      if (!driver.carries(hostile.input)) {
        process.stderr.write(`[hostile:${channel}] "${hostile.name}" cannot be sent through ${channel}; not applicable\n`);
        return;
      }
      const before = await ownedCounts(driver.access);
      const answers = await driver.attack(hostile.input);
      if (answers === "refused-by-platform") {
        process.stderr.write(`[hostile:${channel}] "${hostile.name}" was refused by the platform before reaching the bot\n`);
      } else {
        const all = answers.join("\n");
        expect(all, "the sender is answered, in the language they chose").toContain(expected(hostile, "en"));
        if (expected(hostile, "de") !== expected(hostile, "en")) expect(all).not.toContain(expected(hostile, "de"));
        expect(all).not.toContain(htmlToPlain(driver.translator.t("en", "common:apology")));
      }

      const help = (await driver.bystanderHelp()).join("\n");
      expect(help, "a bystander is still answered").toContain(htmlToPlain(driver.translator.t("de", "help:intro")).split("\n")[0]!);

      expect(await ownedCounts(driver.access), "nothing a resident owns changed").toEqual(before);
      for (const text of await storedTexts(driver.access)) {
        // JSON columns escape controls; decode them before judging.
        expect(cleanText(text), "stored text is clean").toBe(text);
        expect(text).not.toMatch(/\\u00(?:0[0-8bcef]|1[0-9a-f]|7f|[89][0-9a-f])|\\ud[89a-f][0-9a-f]{2}/i);
      }
    });
  });
}
