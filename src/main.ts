/**
 * The composition root: the only place that reads the environment, opens the database and wires
 * channels, features and background services together. Everything else receives its
 * dependencies explicitly.
 */
import { userInfo } from "node:os";
import { join } from "node:path";
import { assembleCore } from "./app/create-core.js";
import { assembleFeatures, type BackgroundService } from "./app/create-features.js";
import { createConsoleChannel } from "./channels/console/console-channel.js";
import { createMatrixChannel } from "./channels/matrix/matrix-channel.js";
import { createTelegramChannel } from "./channels/telegram/telegram-channel.js";
import { createTelegramApi, createTelegramSender } from "./channels/telegram/telegram-sender.js";
import { createTelegramChatAdminVerifier } from "./channels/telegram/chat-admin-verifier.js";
import { telegramBotId } from "./channels/telegram/update-inbox.js";
import { ConfigError, loadConfig, privacyFactsOf, secretsOf, wantsConsole, type Config } from "./config.js";
import type { ChannelSender } from "./core/ports/channel-sender.js";
import { systemClock } from "./core/ports/clock.js";
import { createDispatcher } from "./delivery/dispatcher.js";
import { defaultLimits } from "./delivery/limits.js";
import { createTranslator } from "./i18n/translator.js";
import { createLogger } from "./logger.js";
import { createFoundationStores } from "./storage/create-stores.js";
import { DatabaseConnectionError, openDatabase, type Database } from "./storage/database.js";
import { createMaintenance } from "./storage/maintenance.js";
import { eraseResident } from "./storage/privacy/erase-resident.js";
import { DataDirLockedError } from "./storage/pglite-lock.js";
import { createPrismaAccess } from "./storage/prisma-access.js";
import { areaCount, exampleSeedWanted, seedExampleIfEmpty } from "./storage/seed-example.js";
import { createKeyValueStore } from "./storage/stores/key-value-store.js";
import { createTelegramInboxStore } from "./storage/stores/telegram-inbox-store.js";
import { createQuarantineStore } from "./storage/stores/quarantine-store.js";

const NO_VILLAGES_WARNING =
  "no villages (areas) are set up: onboarding cannot ask residents where they live; add them with `npm run admin -- area add SLUG NAME` or the example with `npm run admin -- area seed`";

function fail(message: string): never {
  process.stderr.write(`mitreden: ${message}\n`);
  process.exit(1);
}

function readConfig(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

async function open(config: Config, logger: ReturnType<typeof createLogger>): Promise<Database> {
  try {
    return await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      logger,
      connectTimeoutMs: config.databaseConnectTimeoutMs,
    });
  } catch (error) {
    if (error instanceof DataDirLockedError || error instanceof DatabaseConnectionError) fail(error.message);
    throw error;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const consoleWanted = wantsConsole(config);
  // The terminal chat owns stdout; logs go to a file unless the operator chose otherwise.
  const logFile = config.logFile === "-" ? undefined : (config.logFile ?? (consoleWanted ? join(config.dataDir, "mitreden.log") : undefined));
  const logger = createLogger({ level: config.logLevel, file: logFile, secrets: secretsOf(config) });
  const translator = await createTranslator();
  const clock = systemClock;

  const db = await open(config, logger);
  if (exampleSeedWanted(config)) {
    if (await seedExampleIfEmpty(db.prisma)) logger.info({}, "seeded the example municipality into an empty database");
  }
  // Without villages onboarding cannot ask residents where they live: say so where the operator looks.
  const noVillages = (await areaCount(db.prisma)) === 0;
  if (noVillages) logger.warn({}, NO_VILLAGES_WARNING);

  const access = createPrismaAccess(db.prisma, { logger });
  const stores = createFoundationStores(access, config.surveyTokenSecret ? { surveyTokenSecret: config.surveyTokenSecret } : {});
  const assembled = assembleFeatures({
    access,
    stores,
    translator,
    clock,
    logger,
    organiser: config.municipality,
    timeZone: config.timeZone,
    surveyTokenSecret: config.surveyTokenSecret,
    ideas: { submissionsPerDay: config.ideasPerDay },
    erasureContributions: config.erasureContributions,
    // Lets an admin of a Telegram channel subscribe it from the private chat with the bot.
    ...(config.telegram
      ? {
          chatAdmins: createTelegramChatAdminVerifier({
            api: createTelegramApi({ token: config.telegram.token, ...(config.telegram.apiRoot ? { apiRoot: config.telegram.apiRoot } : {}) }),
            logger: logger.child({ component: "telegram-chat-admins" }),
          }),
        }
      : {}),
  });
  const core = assembleCore({
    stores,
    translator,
    clock,
    logger,
    privacy: privacyFactsOf(config),
    timeZone: config.timeZone,
    extraFeatures: assembled.features,
  });

  const channels: BackgroundService[] = [];
  const senders: ChannelSender[] = [];
  let stopping: Promise<void> | undefined;
  let background: BackgroundService[] = [];
  const shutdown = (reason: string) => {
    stopping ??= (async () => {
      logger.info({ reason }, "shutting down");
      // Channels first (no new events), then the workers, then the database.
      for (const service of [...channels.reverse(), ...background.reverse()]) {
        await service.stop().catch((err: unknown) => logger.error({ err, service: service.name }, "stop failed"));
      }
      await db.close();
      logger.flush?.();
    })();
    return stopping;
  };

  if (consoleWanted) {
    const terminal = createConsoleChannel({
      core,
      translator,
      logger: logger.child({ channel: "console" }),
      input: process.stdin,
      output: process.stdout,
      userId: `console:${safeUserName()}`,
      localeHint: process.env["LANG"],
      // Files the bot hands over (a resident's data export) land here, readable by the owner only.
      filesDir: join(config.dataDir, "exports"),
      onClose: () => void shutdown("terminal input closed").then(() => process.exit(0)),
    });
    channels.push({ name: "console", start: () => terminal.start(), stop: () => terminal.stop() });
    senders.push(terminal.sender);
  }

  if (config.telegram) {
    const telegram = createTelegramChannel({
      core,
      translator,
      logger: logger.child({ channel: "telegram" }),
      token: config.telegram.token,
      ...(config.telegram.apiRoot ? { apiRoot: config.telegram.apiRoot } : {}),
      ...(config.telegram.callbackSecret ? { callbackSecret: config.telegram.callbackSecret } : {}),
      // Fetched updates stay in the database until handled, so a crash loses no message.
      inbox: createTelegramInboxStore(access, { botId: telegramBotId(config.telegram.token) }),
      // An update that cannot be stored or handled is set aside, so it never holds up the others.
      quarantine: createQuarantineStore(access),
    });
    channels.push({ name: "telegram", start: () => telegram.start(), stop: () => telegram.stop() });
    senders.push(
      createTelegramSender({
        api: createTelegramApi({ token: config.telegram.token, ...(config.telegram.apiRoot ? { apiRoot: config.telegram.apiRoot } : {}) }),
        codec: telegram.codec,
        logger: logger.child({ component: "telegram-sender" }),
        allowPaidBroadcast: config.telegram.paidBroadcast,
        // Known once the channel has started (getMe); the dispatcher starts sending after that.
        get botUsername() {
          try {
            return telegram.username;
          } catch {
            return undefined;
          }
        },
      }),
    );
  }

  if (config.matrix) {
    const { homeserverUrl, accessToken, userId, password } = config.matrix;
    const matrix = createMatrixChannel({
      core,
      translator,
      logger,
      homeserverUrl,
      credentials: accessToken ? { accessToken } : { userId: userId ?? "", password: password ?? "" },
      storage: createKeyValueStore(access),
      cryptoStoreDir: join(config.dataDir, "matrix-crypto"),
      quarantine: createQuarantineStore(access),
    });
    channels.push({ name: "matrix", start: () => matrix.start(), stop: () => matrix.stop() });
    senders.push(matrix.sender);
  }

  if (channels.length === 0) fail("no channel configured: set TELEGRAM_BOT_TOKEN or MATRIX_HOMESERVER_URL, or CONSOLE_CHANNEL=on");

  const dispatcher = createDispatcher({
    access,
    senders,
    logger,
    clock,
    limits: defaultLimits({ telegramPaidBroadcast: config.telegram?.paidBroadcast ?? false, matrixPerSecond: config.delivery.matrixPerSecond }),
    concurrency: config.delivery.concurrency,
  });
  // Long-silent residents who did not answer the stay question: the same erasure as /delete, on the
  // maintenance's unit of work (it calls this with the resident's rows locked).
  const eraseInactive = async (residentId: number): Promise<void> => {
    await eraseResident(access, residentId, { contributions: config.erasureContributions, actor: "retention", reason: "inactive" });
  };
  // Started after the channels: a Telegram start handles its inbox leftovers before this runs.
  const maintenance = createMaintenance({
    access,
    clock,
    logger,
    periods: config.retention,
    publisher: assembled.publisher,
    translator,
    timeZone: config.timeZone,
    erase: eraseInactive,
  });
  background = [
    { name: "maintenance", start: () => maintenance.start(), stop: () => maintenance.stop() },
    ...assembled.services,
    { name: "dispatcher", start: async () => dispatcher.start(), stop: () => dispatcher.stop() },
  ];

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void shutdown(signal).then(() => process.exit(0)));
  }
  for (const channel of channels) await channel.start();
  for (const service of background) await service.start();

  const names = channels.map((s) => s.name);
  logger.info({ channels: names, database: db.kind }, "mitreden started");
  // The terminal chat owns the screen; otherwise say once, in plain words, what is running.
  if (!consoleWanted) {
    process.stderr.write(`mitreden: started ${names.join(", ")} (database: ${db.kind})\n`);
    if (noVillages) process.stderr.write(`mitreden: warning: ${NO_VILLAGES_WARNING}\n`);
  }
}

function safeUserName(): string {
  try {
    return userInfo().username.replace(/[^\w.-]/g, "_") || "local";
  } catch {
    return "local";
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`mitreden: could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
