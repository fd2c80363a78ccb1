/** The Matrix channel's parts that need no homeserver: crypto fallback, storage provider, rendering, media. */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cryptoAvailable, CryptoUnavailableError } from "../../../src/channels/matrix/crypto-module.js";
import { inboundMedia, parseMxc } from "../../../src/channels/matrix/inbound-media.js";
import { inboundText } from "../../../src/channels/matrix/inbound-text.js";
import { createCryptoStore, loadMatrixSdk } from "../../../src/channels/matrix/load-sdk.js";
import { sendOutcomeOf } from "../../../src/channels/matrix/matrix-errors.js";
import { createMatrixStorage } from "../../../src/channels/matrix/matrix-storage.js";
import { createMediaDownloader } from "../../../src/channels/matrix/media-download.js";
import { contentBytes, EVENT_ENVELOPE_BYTES, MATRIX_LIMITS, renderTextContent, renderTextEvents } from "../../../src/channels/matrix/render-message.js";
import { PhotoTooLargeError } from "../../../src/channels/receive-photo.js";
import { creatorsArePrivileged, powerLevelOf, privilegedCreators } from "../../../src/channels/matrix/room-info.js";
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

describe("power in a room", () => {
  const create = (room_version: string, extra: Record<string, unknown> = {}) => ({ type: "m.room.create", sender: "@carla:x", content: { room_version, ...extra } });

  it("gives the creators of a version 12 room unlimited power, and nobody else", () => {
    expect(creatorsArePrivileged("12")).toBe(true);
    expect(creatorsArePrivileged("13")).toBe(true);
    expect(creatorsArePrivileged("org.matrix.hydra.11")).toBe(true);
    expect(creatorsArePrivileged("11")).toBe(false);
    expect(creatorsArePrivileged("10")).toBe(false);
    expect(creatorsArePrivileged("org.example.custom")).toBe(false);
    const creators = privilegedCreators(create("12", { additional_creators: ["@dora:x", 7] }));
    expect([...creators].sort()).toEqual(["@carla:x", "@dora:x"]);
    const levels = { users: { "@mona:x": 50 }, usersDefault: 0, creators };
    expect(powerLevelOf(levels, "@carla:x")).toBe(Number.POSITIVE_INFINITY);
    expect(powerLevelOf(levels, "@mona:x")).toBe(50);
    expect(powerLevelOf(levels, "@paul:x")).toBe(0);
  });

  it("reads power only from the power levels in earlier versions and when the create event is missing", () => {
    expect(privilegedCreators(create("10", { additional_creators: ["@dora:x"] })).size).toBe(0);
    expect(privilegedCreators(undefined).size).toBe(0);
    // A create event without a version is version 1.
    expect(privilegedCreators({ sender: "@carla:x", content: {} }).size).toBe(0);
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

describe("text events within Matrix's event size", () => {
  const budget = MATRIX_LIMITS.eventBytes - EVENT_ENVELOPE_BYTES;
  const html = Array.from({ length: 600 }, (_, i) => `<b>Antwort ${i}</b>\n${"Grüße aus Großenwörden &amp; Hammah. ".repeat(8)}`).join("\n\n");
  const choices = [[{ label: "Weiter", action: "a" }], [{ label: "Menü", action: "b" }]];

  it("keeps a message that fits in one event, as before", () => {
    const message = { html: "<b>Kurz</b>", choices };
    expect(renderTextEvents(message, undefined, { encrypted: false })).toEqual([renderTextContent(message)]);
  });

  it("splits a long message into events under the limit, the numbered list under the last", () => {
    const events = renderTextEvents({ html, choices }, undefined, { encrypted: false });
    expect(events.length).toBeGreaterThan(2);
    for (const event of events) expect(contentBytes(event, false)).toBeLessThanOrEqual(budget);
    expect(events.at(-1)!.body.endsWith("\n\n1. Weiter\n2. Menü")).toBe(true);
    expect(events.slice(0, -1).some((e) => e.body.includes("1. Weiter"))).toBe(false);
    // Tags open at a cut are closed in the HTML of each event.
    for (const event of events) expect(event.formatted_body.split("<b>").length).toBe(event.formatted_body.split("</b>").length);
  });

  it("makes smaller events for encrypted rooms, where encryption makes them about a third larger", () => {
    const plain = renderTextEvents({ html, choices }, undefined, { encrypted: false });
    const encrypted = renderTextEvents({ html, choices }, undefined, { encrypted: true });
    expect(encrypted.length).toBeGreaterThan(plain.length);
    for (const event of encrypted) expect(contentBytes(event, true)).toBeLessThanOrEqual(budget);
    expect(contentBytes(encrypted[0]!, true)).toBeGreaterThan((contentBytes(encrypted[0]!, false) * 4) / 3);
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

describe("pictures residents send", () => {
  const event = (content: Record<string, unknown>) => ({ type: "m.room.message", sender: "@a:x", content });
  const url = "mxc://example.org/AbC123_-x";
  const location = { serverName: "example.org", mediaId: "AbC123_-x" };

  it("reads m.image with its declared size, and a caption only when filename differs from body", () => {
    expect(inboundMedia(event({ msgtype: "m.image", body: "Die Bank", filename: "IMG_1.jpg", info: { size: 1234, mimetype: "image/jpeg" }, url }))).toEqual({
      kind: "fetch",
      location,
      declaredBytes: 1234,
      caption: "Die Bank",
    });
    expect(inboundMedia(event({ msgtype: "m.image", body: "IMG_1.jpg", filename: "IMG_1.jpg", url }))).toEqual({ kind: "fetch", location });
    // Before Matrix 1.10 there was no filename field and body was always the file name.
    expect(inboundMedia(event({ msgtype: "m.image", body: "IMG_1.jpg", url }))).toEqual({ kind: "fetch", location });
    expect(inboundMedia(event({ msgtype: "m.image", body: "  ", filename: "a.png", url }))).toEqual({ kind: "fetch", location });
    // A size that is no whole non-negative number is not a declaration.
    expect(inboundMedia(event({ msgtype: "m.image", body: "a.png", info: { size: "9999999" }, url }))).toEqual({ kind: "fetch", location });
    expect(inboundMedia(event({ msgtype: "m.image", body: "a.png", info: { size: -1 }, url }))).toEqual({ kind: "fetch", location });
  });

  it("takes m.file with a JPEG or PNG type (or none) and refuses other types without fetching", () => {
    expect(inboundMedia(event({ msgtype: "m.file", body: "scan.png", info: { mimetype: "image/PNG" }, url }))).toEqual({ kind: "fetch", location });
    expect(inboundMedia(event({ msgtype: "m.file", body: "scan", url }))).toEqual({ kind: "fetch", location });
    expect(inboundMedia(event({ msgtype: "m.file", body: "Plan", filename: "plan.pdf", info: { mimetype: "application/pdf" }, url }))).toEqual({
      kind: "refuse",
      status: "unsupported",
      caption: "Plan",
    });
    expect(inboundMedia(event({ msgtype: "m.file", body: "a.gif", info: { mimetype: "image/gif" }, url }))).toEqual({ kind: "refuse", status: "unsupported" });
  });

  it("keeps the EncryptedFile of encrypted media for decryption", () => {
    const file = { v: "v2", url, key: { kty: "oct", k: "x" }, iv: "iv", hashes: { sha256: "h" } };
    expect(inboundMedia(event({ msgtype: "m.image", body: "a.jpg", info: { size: 10 }, file }))).toEqual({ kind: "fetch", location, encryptedFile: file, declaredBytes: 10 });
    expect(inboundMedia(event({ msgtype: "m.image", body: "a.jpg", file: { ...file, url: "https://x/y" } }))).toEqual({ kind: "refuse", status: "unavailable" });
  });

  it("answers unavailable for a missing or malformed mxc URI and ignores edits and other messages", () => {
    expect(inboundMedia(event({ msgtype: "m.image", body: "a.jpg" }))).toEqual({ kind: "refuse", status: "unavailable" });
    expect(inboundMedia(event({ msgtype: "m.image", body: "a.jpg", url: "mxc://example.org/../../admin" }))).toEqual({ kind: "refuse", status: "unavailable" });
    const edit = { msgtype: "m.image", body: "* a.jpg", url, "m.relates_to": { rel_type: "m.replace", event_id: "$x" } };
    expect(inboundMedia(event(edit))).toBeUndefined();
    expect(inboundMedia(event({ msgtype: "m.text", body: "hallo" }))).toBeUndefined();
    expect(inboundMedia(event({ msgtype: "m.video", body: "v.mp4", url }))).toBeUndefined();
  });

  it("parses mxc URIs strictly", () => {
    expect(parseMxc("mxc://matrix.example.org:8448/abc")).toEqual({ serverName: "matrix.example.org:8448", mediaId: "abc" });
    expect(parseMxc("mxc://[::1]:8008/abc")).toEqual({ serverName: "[::1]:8008", mediaId: "abc" });
    for (const bad of [undefined, 42, "", "mxc://example.org/", "mxc://example.org/a/b", "mxc://exa mple.org/a", "http://example.org/a", "mxc://example.org/a%2F"]) {
      expect(parseMxc(bad)).toBeUndefined();
    }
  });

});

describe("media downloads from the homeserver", () => {
  interface Seen {
    readonly path: string;
    readonly headers: IncomingHttpHeaders;
  }
  let server: Server;
  let baseUrl: string;
  const seen: Seen[] = [];
  /** How the test homeserver answers the authenticated endpoint: like an old server, a current one, or a missing file. */
  let v1: "unrecognized" | "serves" | "not-found" = "serves";
  const bytes = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);

  beforeAll(async () => {
    server = createServer((request, response) => {
      seen.push({ path: request.url ?? "", headers: request.headers });
      const json = (status: number, body: unknown) => response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      const isV1 = request.url?.startsWith("/_matrix/client/v1/media/download/example.org%3A8448/");
      const isLegacy = request.url?.startsWith("/_matrix/media/v3/download/example.org%3A8448/");
      if (isV1 && v1 === "serves") return void response.writeHead(200, { "content-type": "image/png" }).end(bytes);
      if (isV1 && v1 === "not-found") return json(404, { errcode: "M_NOT_FOUND", error: "Not found" });
      if (isLegacy) return void response.writeHead(200, { "content-type": "image/png" }).end(bytes);
      json(404, { errcode: "M_UNRECOGNIZED", error: "Unrecognized request" });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

  const download = (maxBytes = 1024) =>
    createMediaDownloader(baseUrl, "secret-token").download({ serverName: "example.org:8448", mediaId: "m1" }, AbortSignal.timeout(5_000), maxBytes);

  it("uses the authenticated endpoint with the bot's token", async () => {
    v1 = "serves";
    seen.length = 0;
    expect([...(await download())]).toEqual([...bytes]);
    expect(seen.map((s) => s.path)).toEqual(["/_matrix/client/v1/media/download/example.org%3A8448/m1"]);
    expect(seen[0]!.headers.authorization).toBe("Bearer secret-token");
  });

  it("falls back to the legacy endpoint only where the server does not know the authenticated one", async () => {
    v1 = "unrecognized";
    seen.length = 0;
    expect([...(await download())]).toEqual([...bytes]);
    expect(seen.map((s) => s.path)).toEqual(["/_matrix/client/v1/media/download/example.org%3A8448/m1", "/_matrix/media/v3/download/example.org%3A8448/m1"]);

    v1 = "not-found";
    seen.length = 0;
    const failure = await download().catch((error: unknown) => error);
    expect(String(failure)).toContain("HTTP 404 M_NOT_FOUND");
    expect(String(failure)).not.toContain("secret-token");
    expect(seen).toHaveLength(1);
  });

  it("stops at the size limit", async () => {
    v1 = "serves";
    await expect(download(4)).rejects.toBeInstanceOf(PhotoTooLargeError);
  });
});
