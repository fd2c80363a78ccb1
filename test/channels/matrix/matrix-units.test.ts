/** The Matrix channel's parts that need no homeserver: crypto fallback, storage provider, rendering. */
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cryptoAvailable, CryptoUnavailableError } from "../../../src/channels/matrix/crypto-module.js";
import { inboundText } from "../../../src/channels/matrix/inbound-text.js";
import { createCryptoStore, loadMatrixSdk } from "../../../src/channels/matrix/load-sdk.js";
import { sendOutcomeOf } from "../../../src/channels/matrix/matrix-errors.js";
import { createMatrixStorage } from "../../../src/channels/matrix/matrix-storage.js";
import { renderTextContent } from "../../../src/channels/matrix/render-message.js";
import { createPrismaAccess } from "../../../src/storage/prisma-access.js";
import { createKeyValueStore } from "../../../src/storage/stores/key-value-store.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.js";

describe("matrix-bot-sdk loading", () => {
  it("imports where the native crypto library is missing, and fails only on use of crypto", async () => {
    const sdk = await loadMatrixSdk();
    expect(typeof sdk.MatrixClient).toBe("function");
    const client = new sdk.MatrixClient("http://127.0.0.1:9", "token");
    expect(client.crypto).toBeFalsy();
    if (cryptoAvailable()) return; // with the library present there is nothing to fall back from
    expect(createCryptoStore(sdk, "/nonexistent")).toBeUndefined();
    const requireFromSdk = createRequire(createRequire(import.meta.url).resolve("matrix-bot-sdk"));
    const crypto = requireFromSdk("@matrix-org/matrix-sdk-crypto-nodejs") as { OlmMachine: { initialize(): unknown } };
    expect(() => crypto.OlmMachine.initialize()).toThrow(CryptoUnavailableError);
  });
});

describe("rendering and parsing", () => {
  it("sends HTML with the choices as a numbered list and a plain body", () => {
    const content = renderTextContent({
      html: '<b>Wohnort</b>\nBitte wählen <script>x</script><a href="javascript:alert(1)">hier</a>',
      choices: [[{ label: "Hammah", action: "a" }], [{ label: "Burweg & Co", action: "b" }]],
    });
    expect(content.body).toMatch(/^Wohnort\nBitte wählen /);
    expect(content.body.endsWith("\n\n1. Hammah\n2. Burweg & Co")).toBe(true);
    expect(content.formatted_body).not.toContain("<script");
    expect(content.formatted_body).not.toContain("javascript:");
    expect(content.formatted_body).toContain("1. Hammah<br />2. Burweg &amp; Co");
  });

  it("shows a deep-link choice as the command to send privately and keeps the other choices' numbers", () => {
    const message = {
      html: "<b>Umfrage</b>",
      choices: [[{ label: "Jetzt mitmachen", action: "deeplink:survey_12" }], [{ label: "Alle <Umfragen>", action: "surveys:list" }]],
    };
    const line = (label: string, payload: string) => `${label}: privat senden: !start ${payload}`;
    const content = renderTextContent(message, line);
    expect(content.body).toBe("Umfrage\n\n→ Jetzt mitmachen: privat senden: !start survey_12\n2. Alle <Umfragen>");
    expect(content.formatted_body).toContain("→ Jetzt mitmachen: privat senden: !start survey_12<br />2. Alle &lt;Umfragen&gt;");
    // Without the line (no translator at hand) the choice is listed like any other.
    expect(renderTextContent(message).body.endsWith("\n\n1. Jetzt mitmachen\n2. Alle <Umfragen>")).toBe(true);
  });

  it("reads text, strips reply quotes and ignores notices and edits", () => {
    const event = (content: Record<string, unknown>) => ({ type: "m.room.message", sender: "@a:x", content });
    expect(inboundText(event({ msgtype: "m.text", body: " 2 " }), "!")).toBe("2");
    expect(inboundText(event({ msgtype: "m.notice", body: "2" }), "!")).toBeUndefined();
    expect(inboundText(event({ msgtype: "m.text", body: "2", "m.relates_to": { rel_type: "m.replace" } }), "!")).toBeUndefined();
    const reply = event({ msgtype: "m.text", body: "> <@bot:x> Frage\n\n1", "m.relates_to": { "m.in_reply_to": {} } });
    expect(inboundText(reply, "!")).toBe("1");
    expect(inboundText(event({ msgtype: "m.text", body: ".help" }), ".")).toBe("/help");
  });

  it("maps homeserver refusals to dispatcher outcomes", () => {
    expect(sendOutcomeOf({ errcode: "M_LIMIT_EXCEEDED", statusCode: 429, retryAfterMs: 2500 })).toEqual({
      kind: "retry-after",
      ms: 2500,
      scope: "channel",
    });
    expect(sendOutcomeOf({ errcode: "M_FORBIDDEN", statusCode: 403 }).kind).toBe("gone");
    expect(sendOutcomeOf({ statusCode: 502 }).kind).toBe("transient");
    expect(sendOutcomeOf(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })).kind).toBe("transient");
  });
});

describe("storage provider on the KeyValue table", () => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase();
  });
  afterAll(async () => testDb?.dispose());

  it("keeps the sync token, filter and values per bot account", async () => {
    const keyValues = createKeyValueStore(createPrismaAccess(testDb.db.prisma));
    const one = createMatrixStorage(keyValues, "@one:example.org");
    const two = createMatrixStorage(keyValues, "@two:example.org");
    expect(await one.getSyncToken()).toBeNull();
    await one.setSyncToken("s1_2_3");
    await one.setSyncToken("s4_5_6");
    expect(await one.getSyncToken()).toBe("s4_5_6");
    expect(await two.getSyncToken()).toBeNull();
    await one.setFilter({ id: 7, filter: { room: { timeline: { limit: 3 } } } });
    expect(await one.getFilter()).toEqual({ id: "7", filter: { room: { timeline: { limit: 3 } } } });
    await one.storeValue("dm", "!room:example.org");
    expect(await one.readValue("dm")).toBe("!room:example.org");
    await one.setSyncToken(null);
    expect(await one.getSyncToken()).toBeNull();
  });
});
