import { z } from "zod";
import type { RetentionPeriods } from "./storage/maintenance.js";
import type { PrivacyFacts } from "./core/features/privacy/privacy-notice.js";
import { DEFAULT_TIME_ZONE, isTimeZone } from "./core/render/format-date.js";

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

/** A whole number within bounds, with one message naming the bounds and the unit. */
const whole = (min: number, max: number, unit: string) => {
  const message = `must be a whole number from ${min} to ${max} ${unit}`;
  // An empty value (a blank line in an env file) means unset, not zero.
  return z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z.coerce.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message }).optional(),
  );
};
const period = (fallback: number, min: number, max: number, unit: string) => whole(min, max, unit).transform((v) => v ?? fallback);
/** The supervisory authority of Lower Saxony, where the example municipality lies (Art. 77 GDPR). */
export const DEFAULT_PRIVACY_AUTHORITY = "Die Landesbeauftragte für den Datenschutz Niedersachsen, Prinzenstraße 5, 30159 Hannover";
export const DEFAULT_PRIVACY_NOTICE_VERSION = "2026-12-01";

/** The controller named when PRIVACY_CONTROLLER is unset: the municipality at an example address to replace. */
export function defaultPrivacyController(municipality: string): string {
  return `${municipality}, Am Markt 1, 21709 Himmelpforten`;
}

const flag = z.enum(["auto", "on", "off"]).default("auto");

const schema = z.object({
  DATABASE_URL: optionalText.refine((v) => v === undefined || /^postgres(ql)?:\/\/.+/.test(v), {
    message: "must be a postgres:// or postgresql:// URL (leave it unset for the embedded database)",
  }),
  MITREDEN_DATA_DIR: z.string().trim().min(1).default("./data"),
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  LOG_FILE: optionalText,
  MUNICIPALITY_NAME: z.string().trim().min(1).default("Samtgemeinde Oldendorf-Himmelpforten"),
  // Every date and time people read is in this zone (surveys, audit, results, privacy).
  TIME_ZONE: optionalText.refine((v) => v === undefined || isTimeZone(v), {
    message: "must be an IANA time zone such as Europe/Berlin",
  }),
  PRIVACY_CONTACT: z.string().trim().min(1).default("datenschutz@oldendorf-himmelpforten.example"),
  PRIVACY_CONTROLLER: optionalText,
  PRIVACY_AUTHORITY: z.string().trim().min(1).default(DEFAULT_PRIVACY_AUTHORITY),
  // Part of every consent record; a new value asks every resident again at their next message.
  PRIVACY_NOTICE_VERSION: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, { message: "must be a short version name such as 2026-12-01 (letters, digits, . _ -)" })
    .default(DEFAULT_PRIVACY_NOTICE_VERSION),
  SEED_EXAMPLE: flag,
  SURVEY_TOKEN_SECRET: optionalText.refine((v) => v === undefined || v.length >= 32, {
    message: "must be at least 32 characters long (or unset: a secret is then generated and kept in the database)",
  }),
  CONSOLE_CHANNEL: flag,
  TELEGRAM_BOT_TOKEN: optionalText.refine((v) => v === undefined || /^\d+:[\w-]{20,}$/.test(v), {
    message: "does not look like a bot token from BotFather (digits, a colon, then letters)",
  }),
  TELEGRAM_API_ROOT: optionalText.pipe(z.url().optional()),
  TELEGRAM_CALLBACK_SECRET: optionalText.refine((v) => v === undefined || v.length >= 16, {
    message: "must be at least 16 characters long (or unset: it is then derived from the bot token)",
  }),
  TELEGRAM_PAID_BROADCAST: z.enum(["on", "off"]).default("off"),
  MATRIX_HOMESERVER_URL: optionalText.pipe(z.url().optional()),
  MATRIX_ACCESS_TOKEN: optionalText,
  MATRIX_USER_ID: optionalText.refine((v) => v === undefined || /^@[^:]+:.+$/.test(v), {
    message: "must be a full Matrix user id such as @mitreden:example.org",
  }),
  MATRIX_PASSWORD: optionalText,
  MATRIX_SEND_RATE: z.coerce.number().positive().max(1_000).default(10),
  // Unset: the dispatcher derives it from the fastest messenger's rate (8 at 28/s, 38 with paid broadcast).
  DISPATCH_CONCURRENCY: z.coerce.number().int().min(1).max(256).optional(),
  IDEAS_PER_DAY: z.coerce.number().int().min(1).max(1_000).default(3),
  ERASURE_CONTRIBUTIONS: z.enum(["anonymise", "delete"]).default("anonymise"),
  // Storage periods (docs/privacy.md): what the hourly maintenance removes, and after how long.
  RETAIN_EVENTS_DAYS: period(3, 1, 6, "days (handled event ids; Telegram reuses update ids after a quiet week)"),
  // Unset: as long as the event records that hold them.
  RETAIN_KEPT_REPLIES_DAYS: whole(1, 6, "days (kept replies; at most RETAIN_EVENTS_DAYS)"),
  RETAIN_INBOX_DAYS: period(7, 1, 365, "days (Telegram inbox leftovers)"),
  RETAIN_DELIVERIES_DAYS: period(90, 1, 3_650, "days (delivery rows of finished publishes)"),
  RETAIN_DRAFT_PHOTOS_DAYS: period(30, 1, 3_650, "days (photos of abandoned drafts)"),
  RETAIN_QUARANTINE_DAYS: period(30, 1, 365, "days (quarantined events)"),
  INACTIVE_AFTER_MONTHS: period(24, 1, 120, "months (silence before a resident is asked whether to stay)"),
  INACTIVE_ANSWER_DAYS: period(30, 7, 365, "days (time to answer before an unanswered resident is erased)"),
});

/**
 * mitreden's configuration, read once from the environment.
 *
 * @example
 * const config = loadConfig({ DATABASE_URL: "postgres://mitreden@db/mitreden" });
 */
export interface Config {
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly databaseConnectTimeoutMs: number;
  readonly logLevel: z.infer<typeof schema>["LOG_LEVEL"];
  readonly logFile: string | undefined;
  readonly municipality: string;
  /** The municipality's IANA time zone, for every date and time shown to people. */
  readonly timeZone: string;
  readonly privacyContact: string;
  /** The controller as the privacy notice names it: name and postal address. */
  readonly privacyController: string;
  /** The supervisory authority residents may complain to. */
  readonly privacyAuthority: string;
  /** The version of the privacy notice residents agree to. */
  readonly privacyNoticeVersion: string;
  readonly seedExample: "auto" | "on" | "off";
  /** Key of the one-way tokens that stop double voting in anonymous surveys. */
  readonly surveyTokenSecret: string | undefined;
  readonly consoleChannel: "auto" | "on" | "off";
  readonly delivery: { readonly matrixPerSecond: number; readonly concurrency: number | undefined };
  readonly ideasPerDay: number;
  /** What erasing a resident does with their published ideas and news: keep them without the author, or delete them. */
  readonly erasureContributions: "anonymise" | "delete";
  /** How long data nobody needs any more is kept (see RetentionPeriods in src/storage/maintenance.ts). */
  readonly retention: RetentionPeriods;
  readonly telegram:
    | {
        readonly token: string;
        readonly apiRoot: string | undefined;
        readonly callbackSecret: string | undefined;
        readonly paidBroadcast: boolean;
      }
    | undefined;
  readonly matrix:
    | {
        readonly homeserverUrl: string;
        readonly accessToken: string | undefined;
        readonly userId: string | undefined;
        readonly password: string | undefined;
      }
    | undefined;
}

/** Thrown with one line per wrong variable; values are never included, so secrets stay out of logs. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.MATRIX_HOMESERVER_URL && !e.MATRIX_ACCESS_TOKEN && !(e.MATRIX_USER_ID && e.MATRIX_PASSWORD)) {
    problems.push("MATRIX_HOMESERVER_URL is set: also set MATRIX_ACCESS_TOKEN, or MATRIX_USER_ID and MATRIX_PASSWORD");
  }
  if (!e.MATRIX_HOMESERVER_URL && (e.MATRIX_ACCESS_TOKEN || e.MATRIX_PASSWORD)) {
    problems.push("MATRIX_HOMESERVER_URL: must be set when Matrix credentials are given");
  }
  if (e.RETAIN_KEPT_REPLIES_DAYS !== undefined && e.RETAIN_KEPT_REPLIES_DAYS > e.RETAIN_EVENTS_DAYS) {
    problems.push("RETAIN_KEPT_REPLIES_DAYS: must not exceed RETAIN_EVENTS_DAYS (the replies are kept inside the event records)");
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    databaseUrl: e.DATABASE_URL,
    dataDir: e.MITREDEN_DATA_DIR,
    databaseConnectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    logFile: e.LOG_FILE,
    municipality: e.MUNICIPALITY_NAME,
    timeZone: e.TIME_ZONE ?? DEFAULT_TIME_ZONE,
    privacyContact: e.PRIVACY_CONTACT,
    privacyController: e.PRIVACY_CONTROLLER ?? defaultPrivacyController(e.MUNICIPALITY_NAME),
    privacyAuthority: e.PRIVACY_AUTHORITY,
    privacyNoticeVersion: e.PRIVACY_NOTICE_VERSION,
    seedExample: e.SEED_EXAMPLE,
    surveyTokenSecret: e.SURVEY_TOKEN_SECRET,
    consoleChannel: e.CONSOLE_CHANNEL,
    delivery: { matrixPerSecond: e.MATRIX_SEND_RATE, concurrency: e.DISPATCH_CONCURRENCY },
    ideasPerDay: e.IDEAS_PER_DAY,
    erasureContributions: e.ERASURE_CONTRIBUTIONS,
    retention: {
      eventsDays: e.RETAIN_EVENTS_DAYS,
      keptRepliesDays: e.RETAIN_KEPT_REPLIES_DAYS ?? e.RETAIN_EVENTS_DAYS,
      inboxDays: e.RETAIN_INBOX_DAYS,
      deliveriesDays: e.RETAIN_DELIVERIES_DAYS,
      draftPhotosDays: e.RETAIN_DRAFT_PHOTOS_DAYS,
      quarantineDays: e.RETAIN_QUARANTINE_DAYS,
      inactiveAfterMonths: e.INACTIVE_AFTER_MONTHS,
      inactiveAnswerDays: e.INACTIVE_ANSWER_DAYS,
    },
    telegram: e.TELEGRAM_BOT_TOKEN
      ? {
          token: e.TELEGRAM_BOT_TOKEN,
          apiRoot: e.TELEGRAM_API_ROOT,
          callbackSecret: e.TELEGRAM_CALLBACK_SECRET,
          paidBroadcast: e.TELEGRAM_PAID_BROADCAST === "on",
        }
      : undefined,
    matrix: e.MATRIX_HOMESERVER_URL
      ? {
          homeserverUrl: e.MATRIX_HOMESERVER_URL,
          accessToken: e.MATRIX_ACCESS_TOKEN,
          userId: e.MATRIX_USER_ID,
          password: e.MATRIX_PASSWORD,
        }
      : undefined,
  };
}

/** What the privacy notice names, from the configuration. */
export function privacyFactsOf(config: Config): PrivacyFacts {
  return {
    municipality: config.municipality,
    controller: config.privacyController,
    contact: config.privacyContact,
    authority: config.privacyAuthority,
    noticeVersion: config.privacyNoticeVersion,
  };
}

/** Whether the terminal channel runs: on request, or when no messenger is configured. */
export function wantsConsole(config: Config): boolean {
  if (config.consoleChannel !== "auto") return config.consoleChannel === "on";
  return !config.telegram && !config.matrix;
}

/** Every secret value of the configuration, for the logger to scrub wherever it appears. */
export function secretsOf(config: Config): string[] {
  let databasePassword: string | undefined;
  try {
    databasePassword = config.databaseUrl ? decodeURIComponent(new URL(config.databaseUrl).password) || undefined : undefined;
  } catch {
    databasePassword = undefined; // validated elsewhere; an unparsable URL has no password to hide
  }
  return [
    config.telegram?.token,
    config.telegram?.callbackSecret,
    config.matrix?.accessToken,
    config.matrix?.password,
    config.surveyTokenSecret,
    databasePassword,
  ].filter((value): value is string => value !== undefined && value !== "");
}
