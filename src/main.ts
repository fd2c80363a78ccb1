/**
 * The composition root: the only place that reads the environment, opens the database and wires
 * channels to the core. Everything else receives its dependencies explicitly.
 */
import { userInfo } from "node:os";
import { join } from "node:path";
import { assembleCore } from "./app/create-core.js";
import { createConsoleChannel } from "./channels/console/console-channel.js";
import { createTelegramChannel } from "./channels/telegram/telegram-channel.js";
import { createMatrixChannel } from "./channels/matrix/matrix-channel.js";
import { createKeyValueStore } from "./storage/stores/key-value-store.js";
import { ConfigError, loadConfig, wantsConsole, type Config } from "./config.js";
import { systemClock } from "./core/ports/clock.js";
import { createTranslator } from "./i18n/translator.js";
import { createLogger } from "./logger.js";
import { createFoundationStores } from "./storage/create-stores.js";
import { openDatabase } from "./storage/database.js";
import { DataDirLockedError } from "./storage/pglite-lock.js";
import { createPrismaAccess } from "./storage/prisma-access.js";
import { seedExampleIfEmpty } from "./storage/seed-example.js";
import { createMaintenance } from "./storage/maintenance.js";

interface Service {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

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

async function main(): Promise<void> {
  const config = readConfig();
  const consoleWanted = wantsConsole(config);
  // The terminal chat owns stdout; logs go to a file unless the operator chose otherwise.
  const logFile = config.logFile === "-" ? undefined : (config.logFile ?? (consoleWanted ? join(config.dataDir, "mitreden.log") : undefined));
  const logger = createLogger({ level: config.logLevel, file: logFile });
  const translator = await createTranslator();

  let db;
  try {
    db = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      logger,
      connectTimeoutMs: config.databaseConnectTimeoutMs,
    });
  } catch (error) {
    if (error instanceof DataDirLockedError) fail(error.message);
    if (error instanceof Error && error.name === "DatabaseConnectionError") fail(error.message);
    throw error;
  }

  if (config.seedExample === "on" || (config.seedExample === "auto" && !config.databaseUrl)) {
    if (await seedExampleIfEmpty(db.prisma)) logger.info({}, "seeded the example municipality into an empty database");
  }

  const access = createPrismaAccess(db.prisma, { logger });
  const stores = createFoundationStores(access);
  const core = assembleCore({
    stores,
    translator,
    clock: systemClock,
    logger,
    privacy: { municipality: config.municipality, contact: config.privacyContact },
  });

  const services: Service[] = [];
  const maintenance = createMaintenance({ prisma: db.prisma, clock: systemClock, logger });
  let stopping: Promise<void> | undefined;
  const shutdown = (reason: string) => {
    stopping ??= (async () => {
      logger.info({ reason }, "shutting down");
      for (const service of [...services].reverse()) {
        await service.stop().catch((err: unknown) => logger.error({ err, service: service.name }, "stop failed"));
      }
      await db.close();
      logger.flush?.();
    })();
    return stopping;
  };

  if (consoleWanted) {
    const channel = createConsoleChannel({
      core,
      translator,
      logger: logger.child({ channel: "console" }),
      input: process.stdin,
      output: process.stdout,
      userId: `console:${safeUserName()}`,
      localeHint: process.env["LANG"],
      onClose: () => void shutdown("terminal input closed").then(() => process.exit(0)),
    });
    services.push({ name: "console", start: () => channel.start(), stop: () => channel.stop() });
  }

  if (config.telegram) {
    const telegram = createTelegramChannel({
      core,
      translator,
      logger: logger.child({ channel: "telegram" }),
      token: config.telegram.token,
      ...(config.telegram.apiRoot ? { apiRoot: config.telegram.apiRoot } : {}),
      ...(config.telegram.callbackSecret ? { callbackSecret: config.telegram.callbackSecret } : {}),
    });
    services.push({ name: "telegram", start: () => telegram.start(), stop: () => telegram.stop() });
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
    });
    services.push({ name: "matrix", start: () => matrix.start(), stop: () => matrix.stop() });
  }

  const channelCount = services.length;
  services.unshift({ name: "maintenance", start: () => maintenance.start(), stop: () => maintenance.stop() });

  if (channelCount === 0) fail("no channel configured: set TELEGRAM_BOT_TOKEN or MATRIX_HOMESERVER_URL, or CONSOLE_CHANNEL=on");
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void shutdown(signal).then(() => process.exit(0)));
  }
  for (const service of services) await service.start();
  const names = services.filter((s) => s.name !== "maintenance").map((s) => s.name);
  logger.info({ channels: names, database: db.kind }, "mitreden started");
  // The terminal chat owns the screen; otherwise say once, in plain words, what is running.
  if (!consoleWanted) process.stderr.write(`mitreden: started ${names.join(", ")} (database: ${db.kind})\n`);
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
