/**
 * Files the core hands over (a resident's data export) reach Matrix as an uploaded m.file after
 * the text that accompanies it, on a real Synapse; the resident downloads the same bytes through
 * the authenticated media endpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { matrixSkipNote, matrixTestEnv, uniqueLocalpart } from "../../support/matrix/matrix-test-env.js";
import { createTestUser, type TestUser, type TimelineEvent } from "../../support/matrix/test-user.js";
import { replyFeature } from "../reply-feature.js";
import { createBotWorld, openDirectChat, seenReply, type BotWorld } from "./matrix-harness.js";

const env = matrixTestEnv();

const BYTES = new TextEncoder().encode(JSON.stringify({ resident: { id: 7, village: "Großenwörden" } }));
const files = replyFeature("files", {
  myfile: { html: "<b>Deine Daten</b> &amp; mehr", file: { bytes: BYTES, fileName: "mydata-2026-11-27.json", mimeType: "application/json" } },
});

describe.skipIf(!env)(`files on Matrix${matrixSkipNote()}`, () => {
  let world: BotWorld;
  let emil: TestUser;
  let room: string;

  beforeAll(async () => {
    const bot = await env!.registerUser(uniqueLocalpart("mitreden"));
    world = await createBotWorld(env!.baseUrl, bot, {}, { extraFeatures: async () => [files] });
    await world.startChannel();
    emil = createTestUser({ baseUrl: env!.baseUrl, ...(await env!.registerUser(uniqueLocalpart("emil"))) });
    ({ roomId: room } = await openDirectChat(world, emil));
  });
  afterAll(async () => world?.dispose());

  it("sends the text, then the file as an m.file the resident can download", async () => {
    const eventId = await emil.sendText(room, "!myfile");
    await world.waitHandled(`matrix:${eventId}`);
    const fromBot = (e: TimelineEvent) => e.sender === world.bot.userId && e.type === "m.room.message";
    const text = await emil.waitForMessage(room, fromBot);
    const file = await emil.waitForMessage(room, fromBot);
    expect(seenReply(text).text).toBe("Deine Daten & mehr");
    expect(file.content).toMatchObject({
      msgtype: "m.file",
      body: "mydata-2026-11-27.json",
      filename: "mydata-2026-11-27.json",
      info: { mimetype: "application/json", size: BYTES.length },
    });
    const url = String(file.content["url"]);
    expect(url).toMatch(/^mxc:\/\//);
    const downloaded = await emil.downloadMedia(url);
    expect(JSON.parse(Buffer.from(downloaded).toString("utf8"))).toEqual({ resident: { id: 7, village: "Großenwörden" } });
  });
});
