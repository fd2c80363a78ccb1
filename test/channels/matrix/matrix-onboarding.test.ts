/** A resident (a second Matrix user over plain HTTP) goes through onboarding in a DM with the bot. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { matrixSkipNote, matrixTestEnv, uniqueLocalpart } from "../../support/matrix/matrix-test-env.js";
import { createTestUser, type TestUser } from "../../support/matrix/test-user.js";
import { createBotWorld, openDirectChat, say, type BotWorld } from "./matrix-harness.js";

const env = matrixTestEnv();

describe.skipIf(!env)(`Matrix channel: onboarding in a direct chat${matrixSkipNote()}`, () => {
  let world: BotWorld;
  let anna: TestUser;
  let roomId: string;

  beforeAll(async () => {
    const bot = await env!.registerUser(uniqueLocalpart("mitreden"));
    world = await createBotWorld(env!.baseUrl, bot);
    await world.startChannel();
    anna = createTestUser({ baseUrl: env!.baseUrl, ...(await env!.registerUser(uniqueLocalpart("anna"))) });
  });
  afterAll(async () => world?.dispose());

  it("joins when invited and greets with a numbered choice of language", async () => {
    const opened = await openDirectChat(world, anna);
    roomId = opened.roomId;
    const greeting = opened.greeting.at(-1)!;
    expect(greeting.text).toContain("mitreden");
    expect(greeting.choices).toEqual(["Deutsch", "English"]);
    // HTML for clients that show it, sanitised to the small set of tags, plus the same list.
    expect(greeting.event.content["format"]).toBe("org.matrix.custom.html");
    const html = String(greeting.event.content["formatted_body"]);
    expect(html).toContain("1. Deutsch<br />2. English");
    expect(html.replace(/<\/?(b|i|a|code|pre|br)( href="[^"]*")? ?\/?>/g, "")).not.toMatch(/<[a-z]/);
  });

  it("walks through language, village and privacy by numbered replies", async () => {
    const areas = await say(world, anna, roomId, "2");
    expect(areas.at(-1)!.text).toContain("Which village do you live in?");
    const village = areas.at(-1)!.choices.indexOf("Hammah") + 1;
    expect(village).toBeGreaterThan(0);
    const privacy = await say(world, anna, roomId, String(village));
    expect(privacy.at(-1)!.text).toContain("Privacy");
    const menu = await say(world, anna, roomId, "1");
    expect(menu.map((r) => r.text).join("\n")).toContain("Hammah");
    expect(menu.at(-1)!.choices).toEqual(["Surveys", "Ideas", "Initiatives", "Results", "Settings", "Help"]);

    // The resident and the DM as their private chat are in the database.
    const identity = await world.testDb.db.prisma.identity.findUnique({ where: { id: `matrix:${anna.userId}` } });
    expect(identity?.privateChatId).toBe(roomId);
    const resident = await world.testDb.db.prisma.resident.findUnique({ where: { id: identity!.residentId } });
    expect(resident?.onboardedAt).not.toBeNull();
    expect(resident?.locale).toBe("en");
  });

  it("understands !commands and escapes what the resident wrote", async () => {
    const help = await say(world, anna, roomId, "!help");
    expect(help[0]!.text).toMatch(/settings/);
    const odd = await say(world, anna, roomId, "<b>hallo</b> & tschüss");
    expect(odd.map((r) => String(r.event.content["formatted_body"])).join("")).not.toContain("<b>hallo");
  });
});
