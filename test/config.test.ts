import { Writable } from "node:stream";
import { createLogger } from "../src/logger.js";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, privacyFactsOf, secretsOf, wantsConsole } from "../src/config.js";

const TOKEN = "123456789:AAHsecretsecretsecretsecret-XYZ";

describe("configuration from the environment", () => {
  it("defaults to the embedded database and the terminal chat", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ databaseUrl: undefined, dataDir: "./data", telegram: undefined, matrix: undefined });
    expect(wantsConsole(config)).toBe(true);
  });

  it("reads the municipality's time zone, Europe/Berlin by default, and refuses what is no IANA zone", () => {
    expect(loadConfig({}).timeZone).toBe("Europe/Berlin");
    expect(loadConfig({ TIME_ZONE: "" }).timeZone).toBe("Europe/Berlin");
    expect(loadConfig({ TIME_ZONE: "Europe/Vienna" }).timeZone).toBe("Europe/Vienna");
    for (const wrong of ["Berlin/Mitte", "MEZ+1", "Europe/Berlin; rm"]) {
      expect(() => loadConfig({ TIME_ZONE: wrong })).toThrow("TIME_ZONE: must be an IANA time zone such as Europe/Berlin");
    }
  });

  it("names every wrong variable on its own line and never echoes a value", () => {
    let error: unknown;
    try {
      loadConfig({
        DATABASE_URL: "mysql://root:hunter2@db/x",
        TELEGRAM_BOT_TOKEN: "not-a-token-hunter2",
        LOG_LEVEL: "loud",
        MATRIX_USER_ID: "anna",
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ["DATABASE_URL", "TELEGRAM_BOT_TOKEN", "LOG_LEVEL", "MATRIX_USER_ID"]) expect(message).toMatch(new RegExp(`^  - ${name}: `, "m"));
    expect(message).not.toContain("hunter2");
  });

  it("keeps an erased resident's contributions without the author unless told to delete them", () => {
    expect(loadConfig({}).erasureContributions).toBe("anonymise");
    expect(loadConfig({ ERASURE_CONTRIBUTIONS: "delete" }).erasureContributions).toBe("delete");
    expect(() => loadConfig({ ERASURE_CONTRIBUTIONS: "forget" })).toThrow(/ERASURE_CONTRIBUTIONS/);
  });

  it("fills the privacy notice from the municipality and the Lower Saxony example, and checks the version", () => {
    expect(privacyFactsOf(loadConfig({ MUNICIPALITY_NAME: "Gemeinde Hammah" }))).toEqual({
      municipality: "Gemeinde Hammah",
      controller: "Gemeinde Hammah, Am Markt 1, 21709 Himmelpforten",
      contact: "datenschutz@oldendorf-himmelpforten.example",
      authority: "Die Landesbeauftragte für den Datenschutz Niedersachsen, Prinzenstraße 5, 30159 Hannover",
      noticeVersion: "2026-12-01",
    });
    const own = loadConfig({ PRIVACY_CONTROLLER: "Stadt Stade, Am Sande 2, 21682 Stade", PRIVACY_AUTHORITY: "LfD Niedersachsen", PRIVACY_NOTICE_VERSION: "2027-02" });
    expect(privacyFactsOf(own)).toMatchObject({ controller: "Stadt Stade, Am Sande 2, 21682 Stade", authority: "LfD Niedersachsen", noticeVersion: "2027-02" });
    expect(() => loadConfig({ PRIVACY_NOTICE_VERSION: "neue Fassung!" })).toThrow(/^  - PRIVACY_NOTICE_VERSION: must be a short version name/m);
    expect(() => loadConfig({ PRIVACY_AUTHORITY: "  " })).toThrow(/PRIVACY_AUTHORITY/);
  });

  it("asks for Matrix credentials together with the homeserver", () => {
    expect(() => loadConfig({ MATRIX_HOMESERVER_URL: "https://matrix.example.org" })).toThrow(/MATRIX_ACCESS_TOKEN, or MATRIX_USER_ID and MATRIX_PASSWORD/);
    const config = loadConfig({ MATRIX_HOMESERVER_URL: "https://matrix.example.org", MATRIX_ACCESS_TOKEN: "syt_secret" });
    expect(config.matrix).toMatchObject({ homeserverUrl: "https://matrix.example.org", accessToken: "syt_secret" });
    expect(wantsConsole(config)).toBe(false);
  });

  it("turns Telegram on with a token and reads its options", () => {
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_PAID_BROADCAST: "on", DISPATCH_CONCURRENCY: "16" });
    expect(config.telegram).toMatchObject({ token: TOKEN, paidBroadcast: true });
    expect(config.delivery.concurrency).toBe(16);
  });

  it("reads the storage periods, with the defaults of the maintenance and one line per wrong value", () => {
    expect(loadConfig({}).retention).toEqual({
      eventsDays: 3,
      keptRepliesDays: 3,
      inboxDays: 7,
      deliveriesDays: 90,
      draftPhotosDays: 30,
      quarantineDays: 30,
      inactiveAfterMonths: 24,
      inactiveAnswerDays: 30,
    });
    // Kept replies follow the event records unless set; a blank value counts as unset.
    expect(loadConfig({ RETAIN_EVENTS_DAYS: "2", INACTIVE_AFTER_MONTHS: " " }).retention).toMatchObject({ eventsDays: 2, keptRepliesDays: 2, inactiveAfterMonths: 24 });
    expect(loadConfig({ RETAIN_KEPT_REPLIES_DAYS: "1", RETAIN_DELIVERIES_DAYS: "30" }).retention).toMatchObject({ keptRepliesDays: 1, deliveriesDays: 30 });
    let error: unknown;
    try {
      loadConfig({ RETAIN_EVENTS_DAYS: "7", RETAIN_INBOX_DAYS: "zwei", INACTIVE_ANSWER_DAYS: "2.5" });
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).problems).toEqual([
      "RETAIN_EVENTS_DAYS: must be a whole number from 1 to 6 days (handled event ids; Telegram reuses update ids after a quiet week)",
      "RETAIN_INBOX_DAYS: must be a whole number from 1 to 365 days (Telegram inbox leftovers)",
      "INACTIVE_ANSWER_DAYS: must be a whole number from 7 to 365 days (time to answer before an unanswered resident is erased)",
    ]);
    expect(() => loadConfig({ RETAIN_EVENTS_DAYS: "2", RETAIN_KEPT_REPLIES_DAYS: "3" })).toThrow(/RETAIN_KEPT_REPLIES_DAYS: must not exceed RETAIN_EVENTS_DAYS/);
  });

  it("keeps secrets out of the logs", async () => {
    let written = "";
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        written += chunk.toString();
        done();
      },
    });
    const logger = createLogger({ level: "info", file: undefined }, sink);
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, MATRIX_HOMESERVER_URL: "https://m.example.org", MATRIX_USER_ID: "@bot:m.example.org", MATRIX_PASSWORD: "pw-hunter2" });
    logger.info({ config }, "config");
    logger.child({ channel: "telegram" }).info({ token: TOKEN }, "direct");
    expect(written).not.toContain(TOKEN);
    expect(written).not.toContain("hunter2");
    expect(written).toContain("[redacted]");
  });

  it("scrubs secrets from anywhere in a log line, e.g. a network error's URL", () => {
    let written = "";
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        written += chunk.toString();
        done();
      },
    });
    const config = loadConfig({
      TELEGRAM_BOT_TOKEN: TOKEN,
      DATABASE_URL: "postgresql://mitreden:db-pass%2Fword-42@127.0.0.1:5432/mitreden",
    });
    const logger = createLogger({ level: "info", file: undefined, secrets: secretsOf(config) }, sink);
    // grammY keeps the fetch library's error, whose message holds the request URL with the token.
    const network = new Error(`request to http://127.0.0.1:9/bot${TOKEN}/getUpdates failed, reason: connect ECONNREFUSED`);
    const wrapped = Object.assign(new Error("Network request for 'getUpdates' failed!"), { error: network });
    logger.warn({ err: wrapped }, "fetching Telegram updates failed; retrying");
    logger.info({ url: `http://x/bot${encodeURIComponent(TOKEN)}/file` }, "encoded");
    logger.error({ err: new Error("password authentication failed: db-pass/word-42") }, "database");
    expect(written).not.toContain("AAHsecretsecretsecretsecret-XYZ");
    expect(written).not.toContain("db-pass/word-42");
    expect(written).toContain("/bot[redacted]/getUpdates");
    expect(written.split("\n").filter(Boolean)).toHaveLength(3);
    expect(written).toContain("ECONNREFUSED");
  });
});
