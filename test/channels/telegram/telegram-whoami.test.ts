/**
 * A new staff member on Telegram, whose app never shows the numeric user id: /whoami tells it,
 * privately before onboarding and in a group, and once the admin granted a role with it, the
 * staff command works at once, without going through onboarding first.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { PrismaAccess } from "../../../src/storage/prisma-access.js";
import { createRecordingSurveys } from "../../core/features/surveys/survey-harness.js";
import type { TestUser } from "../../support/telegram/bot-api-server.js";
import { createTelegramTestbed, type TelegramTestbed } from "./telegram-testbed.js";

const greta: TestUser = { id: 4471, first_name: "Greta", language_code: "de" };
const group = { id: -1004471, type: "supergroup" as const, title: "Rathaus" };

describe("/whoami on Telegram", () => {
  let bed: TelegramTestbed;
  const access: PrismaAccess = { client: () => bed.harness.access.client(), run: (work) => bed.harness.access.run(work) };

  beforeAll(async () => {
    const surveys = await createRecordingSurveys({ access, clock: { now: () => bed.harness.clock.now() } });
    bed = await createTelegramTestbed({ extraFeatures: [surveys.feature] });
  });
  afterEach(() => expect(bed.server.internalErrors()).toEqual([]));
  afterAll(async () => bed?.dispose());

  async function write(chat: number, text: string): Promise<string[]> {
    const before = bed.server.sentMessages(chat).length;
    bed.server.userSendsText(greta, chat === greta.id ? greta.id : group, text);
    return (await bed.repliesAfter(chat, before)).map((m) => m.text ?? "");
  }

  it("shows the numeric id privately before onboarding, and in a group", async () => {
    const privately = await write(greta.id, "/whoami");
    expect(privately).toHaveLength(1);
    expect(privately[0]).toContain("Ihre Kennung: telegram:4471");
    expect(privately[0]).toContain("npm run admin -- role grant telegram:4471 moderator");
    const inGroup = await write(group.id, "/whoami");
    expect(inGroup[0]).toContain("Ihre Kennung: telegram:4471");
  });

  it("lets the admin's /surveys work right after the grant, before onboarding", async () => {
    expect((await write(greta.id, "/surveys")).at(-1)).toContain("Willkommen bei mitreden");
    await bed.harness.db.prisma.roleAssignment.create({ data: { identity: `telegram:${greta.id}`, role: "admin", scope: "*", grantedBy: "test" } });
    const surveys = await write(greta.id, "/surveys");
    expect(surveys.join("\n")).not.toContain("Willkommen bei mitreden");
    expect(surveys.join("\n")).toMatch(/Umfragen|Umfrage/);
    expect((await write(greta.id, "/whoami"))[0]).toContain("Ihre Rollen: admin");
  });
});
