/**
 * Benchmark 2: the resident mix through grammY over HTTP against the loopback Bot API server
 * (long polling, the real Telegram channel, the core on PGlite), measuring update → complete reply.
 * Baseline in the same run: a plain grammY bot (same runner, same server) that answers every update
 * with one sendMessage, driven with the same sequence of texts and button presses per resident.
 */
import { run, sequentialize } from "@grammyjs/runner";
import { Bot, type Context } from "grammy";
import { createTelegramChannel } from "../src/channels/telegram/index.js";
import { telegramBotId } from "../src/channels/telegram/update-inbox.js";
import type { ConversationCore } from "../src/core/conversation/conversation-core.js";
import { systemClock } from "../src/core/ports/clock.js";
import { createTranslator } from "../src/i18n/translator.js";
import { createPrismaAccess } from "../src/storage/prisma-access.js";
import { createTelegramInboxStore } from "../src/storage/stores/telegram-inbox-store.js";
import { createBotApiServer, type BotApiServer, type SentMessage } from "../test/support/telegram/bot-api-server.js";
import { buildBenchCore } from "./bench-features.js";
import { benchLogger } from "./conversation-throughput.js";
import { openBenchDatabase, type BenchDatabaseKind } from "./lib/bench-database.js";
import { runBounded } from "./lib/pool.js";
import { createPrng } from "./lib/prng.js";
import { ratePerSecond, ratio, round, summarize, type LatencySummary } from "./lib/stats.js";
import { FOUNDATION_ACTIVITIES, runResident, type OfferedChoice } from "./resident-mix.js";

export interface TelegramPathOptions {
  readonly database: BenchDatabaseKind;
  readonly postgresUrl: string;
  readonly residents: number;
  readonly actionsPerResident: number;
  readonly concurrency: number;
  readonly seed: number;
  /** How long one turn may take before the run fails (default 60 s). */
  readonly turnTimeoutMs?: number;
}

export interface TelegramSide {
  readonly updates: number;
  readonly elapsedMs: number;
  readonly updatesPerSecond: number;
  /** From pushing the update into the server until the turn's last reply arrived there. */
  readonly latency: LatencySummary;
  readonly apiCalls: number;
}

export interface TelegramPathResult {
  readonly database: BenchDatabaseKind;
  readonly residents: number;
  readonly concurrency: number;
  readonly core: TelegramSide;
  readonly baseline: TelegramSide;
  /** Core updates/s divided by the plain bot's. */
  readonly coreToBaseline: number;
}

type Step = { readonly kind: "text"; readonly text: string } | { readonly kind: "press" };

const BOT_USERNAME = "mitreden_bench_bot";
const userOf = (resident: number) => ({ id: 100_000 + resident, first_name: `Resident${resident}`, language_code: "de" });

/** Waits for the `count`-th message in a chat, then returns the chat's messages after `since`. */
async function awaitReplies(server: BotApiServer, chatId: number, since: number, count: number, timeoutMs: number): Promise<SentMessage[]> {
  await server.waitForMessages(since + count, { chatId, timeoutMs });
  return server.sentMessages(chatId).slice(since);
}

export async function runTelegramPath(options: TelegramPathOptions): Promise<TelegramPathResult> {
  const timeoutMs = options.turnTimeoutMs ?? 60_000;
  const steps = new Map<number, Step[]>();
  const core = await runCoreSide(options, timeoutMs, steps);
  const baseline = await runBaselineSide(options, timeoutMs, steps);
  return {
    database: options.database,
    residents: options.residents,
    concurrency: options.concurrency,
    core,
    baseline,
    coreToBaseline: ratio(core.updatesPerSecond, baseline.updatesPerSecond),
  };
}

async function runCoreSide(options: TelegramPathOptions, timeoutMs: number, steps: Map<number, Step[]>): Promise<TelegramSide> {
  const db = await openBenchDatabase({ kind: options.database, postgresUrl: options.postgresUrl });
  const server = createBotApiServer({ botUsername: BOT_USERNAME, recordCalls: false });
  await server.start();
  try {
    const translator = await createTranslator();
    const { core: inner, extra } = await buildBenchCore({ prisma: db.prisma, translator, clock: systemClock, logger: benchLogger });
    // The driver learns how many replies a turn has from the core's result, before they are sent.
    const expected = new Map<string, (count: number) => void>();
    const core: ConversationCore = {
      commands: () => inner.commands(),
      localeFor: (senderId, hint) => inner.localeFor(senderId, hint),
      async handle(event, capabilities) {
        const result = await inner.handle(event, capabilities);
        expected.get(event.chat.id)?.(result.messages.length);
        return result;
      },
    };
    const channel = createTelegramChannel({
      core,
      translator,
      logger: benchLogger,
      token: server.token,
      apiRoot: server.url,
      pollingTimeoutSeconds: 5,
      stopTimeoutMs: 5_000,
      // As in production: every fetched batch is kept in the database until it is handled.
      inbox: createTelegramInboxStore(createPrismaAccess(db.prisma), { botId: telegramBotId(server.token) }),
    });
    await channel.start();
    const latencies: number[] = [];
    let updates = 0;
    const started = performance.now();
    try {
      await runBounded(options.residents, options.concurrency, async (resident) => {
        const user = userOf(resident);
        const chatId = user.id;
        const log: Step[] = [];
        steps.set(resident, log);
        const turn = async (push: () => void): Promise<readonly OfferedChoice[]> => {
          const since = server.sentMessages(chatId).length;
          const count = new Promise<number>((resolve) => expected.set(String(chatId), resolve));
          const t0 = performance.now();
          push();
          const replies = await awaitReplies(server, chatId, since, await count, timeoutMs);
          latencies.push(performance.now() - t0);
          updates += 1;
          const keyboard = replies.filter((m) => (m.replyMarkup?.inline_keyboard.length ?? 0) > 0).at(-1);
          return (keyboard?.replyMarkup?.inline_keyboard.flat() ?? []).flatMap((button) => {
            if (!("callback_data" in button) || typeof button.callback_data !== "string") return [];
            const decoded = channel.codec.decode(chatId, button.callback_data);
            return decoded.ok ? [{ label: button.text, action: decoded.action }] : [];
          });
        };
        await runResident(resident, createPrng(options.seed + resident), {
          text: (text) => {
            log.push({ kind: "text", text });
            return turn(() => server.userSendsText(user, chatId, text));
          },
          press: (action) => {
            log.push({ kind: "press" });
            const data = channel.codec.encode(chatId, action);
            // Like a person scrolling up: the newest message that carries this button.
            const message = server
              .sentMessages(chatId)
              .reverse()
              .find((m) => m.replyMarkup?.inline_keyboard.flat().some((b) => "callback_data" in b && b.callback_data === data));
            if (!message) throw new Error(`resident ${resident}: no button for ${action} in the chat`);
            return turn(() => server.userPressesButton(user, chatId, message.messageId, data));
          },
        }, { activities: [...FOUNDATION_ACTIVITIES, ...extra.activities], actionsPerResident: options.actionsPerResident });
      });
    } finally {
      await channel.stop();
    }
    const elapsedMs = performance.now() - started;
    return {
      updates,
      elapsedMs: round(elapsedMs, 0),
      updatesPerSecond: ratePerSecond(updates, elapsedMs),
      latency: summarize(latencies),
      apiCalls: server.stats().calls,
    };
  } finally {
    await server.stop();
    await db.close();
  }
}

async function runBaselineSide(options: TelegramPathOptions, timeoutMs: number, steps: Map<number, Step[]>): Promise<TelegramSide> {
  const server = createBotApiServer({ botUsername: BOT_USERNAME, recordCalls: false });
  await server.start();
  const bot = new Bot(server.token, { client: { apiRoot: server.url } });
  const keyboard = { inline_keyboard: [[{ text: "OK", callback_data: "ok" }]] };
  bot.use(sequentialize((ctx: Context) => (ctx.chat ? String(ctx.chat.id) : undefined)));
  bot.on(["message", "callback_query"], async (ctx) => {
    await ctx.reply("OK", { reply_markup: keyboard });
  });
  await bot.init();
  const runner = run(bot, { runner: { silent: true, fetch: { timeout: 5, allowed_updates: ["message", "callback_query"] } } });
  const latencies: number[] = [];
  let updates = 0;
  const started = performance.now();
  try {
    const residents = [...steps.keys()].sort((a, b) => a - b);
    await runBounded(residents.length, options.concurrency, async (i) => {
      const resident = residents[i] as number;
      const user = userOf(resident);
      const chatId = user.id;
      let lastMessageId: number | undefined;
      for (const step of steps.get(resident) ?? []) {
        const since = server.sentMessages(chatId).length;
        const t0 = performance.now();
        if (step.kind === "text" || lastMessageId === undefined) server.userSendsText(user, chatId, step.kind === "text" ? step.text : "/start");
        else server.userPressesButton(user, chatId, lastMessageId, "ok");
        const replies = await awaitReplies(server, chatId, since, 1, timeoutMs);
        latencies.push(performance.now() - t0);
        updates += 1;
        lastMessageId = replies.at(-1)?.messageId;
      }
    });
  } finally {
    if (runner.isRunning()) await runner.stop();
    await server.stop();
  }
  const elapsedMs = performance.now() - started;
  return {
    updates,
    elapsedMs: round(elapsedMs, 0),
    updatesPerSecond: ratePerSecond(updates, elapsedMs),
    latency: summarize(latencies),
    apiCalls: server.stats().calls,
  };
}
