/**
 * A message far larger than one Matrix event (Synapse refuses events over 65,536 bytes) arrives
 * completely, as several events each under the limit, with the numbered choices under the last;
 * sent again with the same transaction base, each part still shows once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MATRIX_LIMITS } from "../../../src/channels/matrix/render-message.js";
import { replyFeature } from "../reply-feature.js";
import { escapeHtml, htmlToPlain } from "../../../src/core/render/plain-text.js";
import { matrixSkipNote, matrixTestEnv, uniqueLocalpart } from "../../support/matrix/matrix-test-env.js";
import { createTestUser, type TestUser } from "../../support/matrix/test-user.js";
import { createBotWorld, lastBotMessages, openDirectChat, type BotWorld, type SeenReply } from "./matrix-harness.js";

const env = matrixTestEnv();

/** About `bytes` bytes of survey answers: bold headings, escaped resident text with umlauts, a link. */
function longAnswers(bytes: number): string {
  const paragraphs: string[] = [];
  for (let i = 1, size = 0; size < bytes; i += 1) {
    const said = escapeHtml(`Die Bank am Teich & der Weg <dahinter> müssen erneuert werden (Antwort ${i}). `);
    const paragraph = `<b>Antwort ${i}</b>\n${said}${"Großenwörden braucht mehr Bänke. ".repeat(6)}<a href="https://example.org/a?i=${i}&amp;s=1">mehr</a>`;
    paragraphs.push(paragraph);
    size += Buffer.byteLength(paragraph) + 2;
  }
  return paragraphs.join("\n\n");
}

const LONG = longAnswers(150_000);
const CHOICES = [[{ label: "Weiter", action: "longread:next" }], [{ label: "Menü", action: "menu:open" }]];
const noSpace = (text: string) => text.replace(/\s+/g, "");

const longread = replyFeature("longread", { long: { html: LONG, choices: CHOICES } });

/** The bot's events from the first part of the long message on. */
async function longParts(user: { accessToken: string }, roomId: string, botUserId: string): Promise<SeenReply[]> {
  const recent = await lastBotMessages(env!.baseUrl, user.accessToken, roomId, botUserId, 100);
  const start = recent.findLastIndex((r) => r.text.startsWith("Antwort 1\n"));
  expect(start).toBeGreaterThanOrEqual(0);
  return recent.slice(start);
}

function expectComplete(parts: readonly SeenReply[]): void {
  expect(parts.length).toBeGreaterThanOrEqual(3);
  for (const part of parts) {
    // The event as the homeserver hands it out (with its unsigned block) is still under the limit.
    expect(Buffer.byteLength(JSON.stringify(part.event))).toBeLessThan(MATRIX_LIMITS.eventBytes);
    expect(part.event.content["format"]).toBe("org.matrix.custom.html");
    expect(String(part.event.content["formatted_body"])).toMatch(/^<b>/);
  }
  expect(noSpace(parts.map((p) => p.text).join(""))).toBe(noSpace(htmlToPlain(LONG)));
  expect(parts.at(-1)!.choices).toEqual(["Weiter", "Menü"]);
  for (const part of parts.slice(0, -1)) expect(part.choices).toEqual([]);
}

describe.skipIf(!env)(`long messages on Matrix${matrixSkipNote()}`, () => {
  let world: BotWorld;
  let creds: { userId: string; accessToken: string };
  let dora: TestUser;
  let roomId: string;

  beforeAll(async () => {
    expect(Buffer.byteLength(LONG)).toBeGreaterThan(150_000);
    world = await createBotWorld(env!.baseUrl, await env!.registerUser(uniqueLocalpart("mitreden")), {}, { extraFeatures: async () => [longread] });
    await world.startChannel();
    creds = await env!.registerUser(uniqueLocalpart("dora"));
    dora = createTestUser({ baseUrl: env!.baseUrl, ...creds });
    ({ roomId } = await openDirectChat(world, dora));
  }, 180_000);
  afterAll(async () => world?.dispose());

  it("answers with a 150 KB reply as several events, each under the event limit", async () => {
    const eventId = await dora.sendText(roomId, "!long");
    await world.waitHandled(`matrix:${eventId}`, { timeoutMs: 30_000 });
    expectComplete(await longParts(creds, roomId, world.bot.userId));
  }, 180_000);

  it("delivers a 150 KB broadcast in parts, and each part once when the delivery is retried", async () => {
    const message = { html: LONG, choices: CHOICES };
    const first = await world.channel.sender.send(roomId, message, "de", "long-broadcast-1");
    expect(first.kind).toBe("sent");
    const parts = await longParts(creds, roomId, world.bot.userId);
    expectComplete(parts);
    expect(first).toEqual({ kind: "sent", messageId: parts.at(-1)!.event.event_id });

    // A retry after a lost answer reuses every part's transaction id: nothing appears twice.
    const again = await world.channel.sender.send(roomId, message, "de", "long-broadcast-1");
    expect(again).toEqual(first);
    const after = await lastBotMessages(env!.baseUrl, creds.accessToken, roomId, world.bot.userId, 100);
    expect(after.at(-1)!.event.event_id).toBe(parts.at(-1)!.event.event_id);
    expect(after.filter((r) => r.text.startsWith("Antwort 1\n"))).toHaveLength(2); // the reply above and this broadcast
  }, 180_000);
});
