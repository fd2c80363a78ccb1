/**
 * `npm start` as an operator runs it: Telegram (against the loopback Bot API server) and Matrix
 * (against the tests' Synapse) in one process, configured only through the environment.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { matrixTestEnv, uniqueLocalpart } from "../support/matrix/matrix-test-env.js";
import { createTestUser } from "../support/matrix/test-user.js";
import { createBotApiServer, type BotApiServer } from "../support/telegram/bot-api-server.js";

const matrix = matrixTestEnv();

describe("npm start with messengers configured", () => {
  let server: BotApiServer;
  let bot: ChildProcessWithoutNullStreams;
  let stderr = "";
  let exited: Promise<number | null>;
  const dataDir = mkdtempSync(join(tmpdir(), "mitreden-main-"));
  let matrixBot: { userId: string; accessToken: string } | undefined;

  beforeAll(async () => {
    server = createBotApiServer({ botUsername: "mitreden_main_bot" });
    await server.start();
    if (matrix) matrixBot = await matrix.registerUser(uniqueLocalpart("mitreden-main"));
    bot = spawn("npm", ["start", "--silent"], {
      env: {
        ...process.env,
        MITREDEN_DATA_DIR: dataDir,
        DATABASE_URL: "",
        LOG_FILE: join(dataDir, "bot.log"),
        TELEGRAM_BOT_TOKEN: server.token,
        TELEGRAM_API_ROOT: server.url,
        MATRIX_HOMESERVER_URL: matrix ? matrix.baseUrl : "",
        MATRIX_ACCESS_TOKEN: matrixBot?.accessToken ?? "",
      },
    });
    bot.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    exited = new Promise((resolve) => bot.on("exit", (code) => resolve(code)));
    const deadline = Date.now() + 120_000;
    while (!stderr.includes("mitreden: started") && Date.now() < deadline) {
      if (bot.exitCode !== null) throw new Error(`npm start exited early:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 180_000);

  afterAll(async () => {
    if (bot && bot.exitCode === null) bot.kill("SIGTERM");
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("says which channels it started", () => {
    expect(stderr).toContain(matrix ? "mitreden: started telegram, matrix (database: pglite)" : "mitreden: started telegram (database: pglite)");
  });

  it("answers a Telegram resident with the welcome and language buttons", async () => {
    server.userSendsText({ id: 5101, first_name: "Anna", language_code: "de" }, 5101, "/start");
    const [welcome] = await server.waitForMessages((m) => m.chatId === 5101, { timeoutMs: 30_000 });
    expect(welcome!.text).toContain("Willkommen bei mitreden");
    const buttons = (welcome!.replyMarkup as { inline_keyboard: { text: string }[][] }).inline_keyboard.flat();
    expect(buttons.map((b) => b.text)).toEqual(["Deutsch", "English"]);
  });

  it.skipIf(!matrix)("answers a Matrix resident in a direct chat at the same time", async () => {
    const ben = createTestUser({ baseUrl: matrix!.baseUrl, ...(await matrix!.registerUser(uniqueLocalpart("ben"))) });
    const roomId = await ben.createRoom({ invite: [matrixBot!.userId], isDirect: true });
    const greeting = await ben.waitForMessage(roomId, (e) => e.sender === matrixBot!.userId && String(e.content["body"]).includes("mitreden"), {
      timeoutMs: 30_000,
    });
    expect(String(greeting.content["body"])).toContain("1. Deutsch");
  });

  it("stops cleanly on SIGTERM, releasing the embedded database", async () => {
    expect(existsSync(join(dataDir, "mitreden.lock"))).toBe(true);
    bot.kill("SIGTERM");
    await exited; // npm re-raises the signal on itself after its child finished
    const deadline = Date.now() + 30_000;
    while (existsSync(join(dataDir, "mitreden.lock")) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(join(dataDir, "mitreden.lock"))).toBe(false);
    expect(readFileSync(join(dataDir, "bot.log"), "utf8")).toContain("shutting down");
  });
});
