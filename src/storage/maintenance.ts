import type { Clock } from "../core/ports/clock.js";
import type { Logger } from "../core/ports/logger.js";
import type { Publisher } from "../core/ports/publisher.js";
import type { Translator } from "../core/ports/translator.js";
import { stayQuestion } from "../core/features/privacy/stay-feature.js";
import { DEFAULT_TIME_ZONE } from "../core/render/format-date.js";
import { Prisma } from "./generated/prisma/client.js";
import { sqlTimestamp } from "./outbox/publisher.js";
import type { PrismaAccess } from "./prisma-access.js";

/**
 * How long data nobody needs any more is kept; configured by RETAIN_* and INACTIVE_* (src/config.ts)
 * and listed for the data protection officer in docs/privacy.md.
 *
 * @example
 * const periods: RetentionPeriods = { ...DEFAULT_RETENTION, deliveriesDays: 30 };
 */
export interface RetentionPeriods {
  /**
   * Handled event ids. Platforms redeliver within hours; Telegram picks update ids at random after
   * a week without updates, so old ids must not linger for a week (at most 6 days).
   */
  readonly eventsDays: number;
  /** The replies kept inside those records for a redelivery after a crash; at most `eventsDays`. */
  readonly keptRepliesDays: number;
  /** Telegram updates still in the inbox: handled within seconds, so one this old was given up. */
  readonly inboxDays: number;
  /** Delivery rows of finished publishes, and the publishes themselves once all their rows are. */
  readonly deliveriesDays: number;
  /** A photo no idea or news item took up (an abandoned draft's); long enough to come back to it. */
  readonly draftPhotosDays: number;
  /** Inbound events set aside in the quarantine, kept for admins to look at. */
  readonly quarantineDays: number;
  /** Silence after which a resident is asked whether to stay. */
  readonly inactiveAfterMonths: number;
  /** How long an asked resident has to answer before their account is erased. */
  readonly inactiveAnswerDays: number;
}

export const DEFAULT_RETENTION: RetentionPeriods = {
  eventsDays: 3,
  keptRepliesDays: 3,
  inboxDays: 7,
  deliveriesDays: 90,
  draftPhotosDays: 30,
  quarantineDays: 30,
  inactiveAfterMonths: 24,
  inactiveAnswerDays: 30,
};

/** Erases one resident with everything of theirs (src/storage/privacy/erase-resident.ts). */
export type EraseResident = (residentId: number) => Promise<void>;

export interface MaintenanceDeps {
  readonly access: PrismaAccess;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Missing ones take DEFAULT_RETENTION's. */
  readonly periods?: Partial<RetentionPeriods>;
  /** Sends the stay question through the outbox, in the pass's unit of work. */
  readonly publisher: Publisher;
  readonly translator: Translator;
  /** The municipality's time zone (TIME_ZONE) for the day named in the stay question; default Europe/Berlin. */
  readonly timeZone?: string;
  /**
   * Called inside a unit of work of `access` once the resident's rows are locked and still due, so
   * an erasure that uses the same access joins it and a message arriving meanwhile waits or wins.
   */
  readonly erase: EraseResident;
  readonly intervalMs?: number;
  /** Rows per statement (and residents per unit of work), so no pass holds one long transaction. */
  readonly batchSize?: number;
}

/**
 * What one pass did, counted in rows (residents for the last four).
 *
 * @example
 * const report: MaintenanceReport = await maintenance.runOnce();
 * report.asked; // residents asked whether to stay in this pass
 */
export interface MaintenanceReport {
  readonly events: number;
  /** Kept replies cleared from records that are themselves kept longer. */
  readonly keptReplies: number;
  /** Expired link codes, old wrong attempts and claims. */
  readonly linkCodes: number;
  readonly photos: number;
  readonly quarantined: number;
  /** Telegram inbox leftovers moved into the quarantine. */
  readonly inboxSetAside: number;
  readonly deliveries: number;
  readonly broadcasts: number;
  /** Markers of sent daily digests (only the current day's are needed). */
  readonly digestRuns: number;
  /** Residents asked whether to stay. */
  readonly asked: number;
  /** Of those, the ones without a private chat the question could go to. */
  readonly unreachable: number;
  /** Asked residents erased after the answer period. */
  readonly erased: number;
  /** Residents who never agreed to anything, erased without asking. */
  readonly neverOnboarded: number;
}

export interface Maintenance {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** One pass. */
  runOnce(): Promise<MaintenanceReport>;
}

const DAY_MS = 24 * 3_600_000;
const DEFAULT_BATCH = 1_000;
/** Longest payload a quarantine entry keeps (as src/storage/stores/quarantine-store.ts). */
const MAX_QUARANTINE_PAYLOAD = 100_000;

/** `months` calendar months before `date` (UTC), the day clamped to the shorter month. */
export function monthsBefore(date: Date, months: number): Date {
  const target = new Date(date.getTime());
  const day = target.getUTCDate();
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() - months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target;
}

/**
 * The hourly clean-up of what nobody needs any more (see RetentionPeriods) and the handling of
 * long-silent residents: asked once whether to stay, erased when they do not answer. Every step
 * deletes in statements of at most `batchSize` rows, so a large table never holds one long
 * transaction, and logs what it removed.
 */
export function createMaintenance(deps: MaintenanceDeps): Maintenance {
  const periods: RetentionPeriods = { ...DEFAULT_RETENTION, ...deps.periods };
  const interval = deps.intervalMs ?? 3_600_000;
  const batch = Math.max(1, deps.batchSize ?? DEFAULT_BATCH);
  const log = deps.logger.child({ component: "maintenance" });
  const db = () => deps.access.client();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();

  /** Runs one bounded statement until it affects fewer rows than a batch; returns the total. */
  async function repeat(statement: () => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const count = await statement();
      total += count;
      if (count < batch) return total;
    }
  }

  const daysBefore = (now: Date, days: number) => sqlTimestamp(new Date(now.getTime() - days * DAY_MS));

  async function events(now: Date): Promise<{ events: number; keptReplies: number }> {
    const before = daysBefore(now, periods.eventsDays);
    const events = await repeat(() => db().$executeRaw`
      DELETE FROM "ProcessedEvent" WHERE "id" IN (
        SELECT "id" FROM "ProcessedEvent" WHERE "processedAt" < ${before} ORDER BY "processedAt" LIMIT ${batch})`);
    // The record stays (a redelivery is still recognised), only the replies in it go.
    const repliesBefore = daysBefore(now, Math.min(periods.keptRepliesDays, periods.eventsDays));
    const keptReplies = await repeat(() => db().$executeRaw`
      UPDATE "ProcessedEvent" SET "reply" = NULL WHERE "id" IN (
        SELECT "id" FROM "ProcessedEvent" WHERE "processedAt" < ${repliesBefore} AND "reply" IS NOT NULL LIMIT ${batch})`);
    return { events, keptReplies };
  }

  async function linkCodes(now: Date): Promise<number> {
    const codes = await repeat(() => db().$executeRaw`
      DELETE FROM "LinkCode" WHERE "code" IN (SELECT "code" FROM "LinkCode" WHERE "expiresAt" < ${sqlTimestamp(now)} LIMIT ${batch})`);
    // Wrong /link codes count for an hour, claims live as long as their code (15 minutes): a day is ample.
    const dayAgo = daysBefore(now, 1);
    const attempts = await repeat(() => db().$executeRaw`
      DELETE FROM "LinkAttempt" WHERE "id" IN (SELECT "id" FROM "LinkAttempt" WHERE "createdAt" < ${dayAgo} LIMIT ${batch})`);
    const claims = await repeat(() => db().$executeRaw`
      DELETE FROM "LinkClaim" WHERE "code" IN (SELECT "code" FROM "LinkClaim" WHERE "createdAt" < ${dayAgo} LIMIT ${batch})`);
    return codes + attempts + claims;
  }

  function photos(now: Date): Promise<number> {
    const before = daysBefore(now, periods.draftPhotosDays);
    return repeat(() => db().$executeRaw`
      DELETE FROM "Photo" WHERE "id" IN (
        SELECT p."id" FROM "Photo" p WHERE p."createdAt" < ${before}
          AND NOT EXISTS (SELECT 1 FROM "Idea" i WHERE i."photoId" = p."id")
          AND NOT EXISTS (SELECT 1 FROM "NewsItem" n WHERE n."photoId" = p."id")
        LIMIT ${batch})`);
  }

  function quarantined(now: Date): Promise<number> {
    // Holds what residents sent, so it goes once admins had the configured time to look.
    const before = daysBefore(now, periods.quarantineDays);
    return repeat(() => db().$executeRaw`
      DELETE FROM "QuarantinedEvent" WHERE "id" IN (SELECT "id" FROM "QuarantinedEvent" WHERE "createdAt" < ${before} LIMIT ${batch})`);
  }

  /**
   * A running bot removes its updates within seconds of handling them, and a start handles what an
   * earlier run left before polling (and before this service starts, see src/main.ts); Telegram
   * itself keeps an unfetched update for a day only. A row older than `inboxDays` therefore belongs
   * to no live handling: its removal failed, its bot's token changed, or its handling kept crashing.
   * It is moved into the quarantine rather than deleted: it is what a resident sent, and an admin
   * sees it there (`admin quarantine list`) for `quarantineDays` more before it goes too. Each batch
   * moves its rows in one statement, so a row is never in both places or in neither.
   */
  function inboxLeftovers(now: Date): Promise<number> {
    const before = daysBefore(now, periods.inboxDays);
    const reason = `still unhandled in the Telegram inbox after ${periods.inboxDays} days; set aside by the maintenance`;
    return repeat(() => db().$executeRaw`
      WITH moved AS (
        DELETE FROM "TelegramInboxUpdate" WHERE ("botId", "updateId") IN (
          SELECT "botId", "updateId" FROM "TelegramInboxUpdate" WHERE "receivedAt" < ${before} ORDER BY "receivedAt" LIMIT ${batch})
        RETURNING "botId", "updateId", "payload", "replays", "receivedAt")
      INSERT INTO "QuarantinedEvent" ("channel", "instance", "eventId", "reason", "payload", "createdAt")
      SELECT 'telegram', "botId", CAST("updateId" AS text),
        ${reason} || ' (received ' || to_char("receivedAt", 'YYYY-MM-DD HH24:MI') || ' UTC, replayed ' || "replays" || ' times)',
        LEFT(CAST("payload" AS text), ${MAX_QUARANTINE_PAYLOAD}), ${sqlTimestamp(now)}
      FROM moved`);
  }

  /**
   * A delivery's age is its publish's (both are written together). Sent and failed rows go after
   * `deliveriesDays`; rows still pending or sending stay, and so does their publish, so /broadcasts
   * keeps showing it with what is left (only its pending rows, then). A publish whose rows are all
   * finished goes with its contents once it is that old: /broadcasts lists the latest publishes
   * only, which are younger.
   */
  async function deliveries(now: Date): Promise<{ deliveries: number; broadcasts: number; digestRuns: number }> {
    const before = daysBefore(now, periods.deliveriesDays);
    const deliveries = await repeat(() => db().$executeRaw`
      DELETE FROM "Delivery" WHERE "id" IN (
        SELECT d."id" FROM "Broadcast" b JOIN "Delivery" d ON d."broadcastId" = b."id"
        WHERE b."createdAt" < ${before} AND d."status" IN ('sent', 'failed') LIMIT ${batch})`);
    const broadcasts = await repeat(() => db().$executeRaw`
      DELETE FROM "Broadcast" WHERE "id" IN (
        SELECT b."id" FROM "Broadcast" b WHERE b."createdAt" < ${before}
          AND NOT EXISTS (SELECT 1 FROM "Delivery" d WHERE d."broadcastId" = b."id" AND d."status" NOT IN ('sent', 'failed'))
        ORDER BY b."createdAt" LIMIT ${batch})
      AND NOT EXISTS (SELECT 1 FROM "Delivery" d WHERE d."broadcastId" = "Broadcast"."id" AND d."status" NOT IN ('sent', 'failed'))`);
    // A digest marker only stops a second digest on the same day; it names the publish it went in.
    const digestRuns = await repeat(() => db().$executeRaw`
      DELETE FROM "DigestRun" WHERE ("residentId", "day") IN (
        SELECT "residentId", "day" FROM "DigestRun" WHERE "createdAt" < ${before} LIMIT ${batch})`);
    return { deliveries, broadcasts, digestRuns };
  }

  // --- Long-silent residents -------------------------------------------------------------------

  /** No identity of resident `r` was seen since `since` (one without identities: since it was created). */
  const silentSince = (since: Date) => Prisma.sql`r."createdAt" < ${sqlTimestamp(since)}
    AND NOT EXISTS (SELECT 1 FROM "Identity" i WHERE i."residentId" = r."id" AND i."lastSeenAt" >= ${sqlTimestamp(since)})`;

  /**
   * Never finished onboarding, never agreed to the privacy notice and has nothing of theirs stored
   * beyond the account: someone who opened the chat, or only pressed a button in a group, and went.
   * They never agreed to anything, so there is no consent to ask them to keep and no legal basis to
   * keep the rest; the question would also be their first message since. They are erased after the
   * same silence without asking.
   */
  const neverAgreed = Prisma.sql`r."onboardedAt" IS NULL AND r."privacyAcceptedAt" IS NULL
    AND NOT EXISTS (SELECT 1 FROM "ConsentRecord" c WHERE c."residentId" = r."id")
    AND NOT EXISTS (SELECT 1 FROM "Idea" x WHERE x."authorId" = r."id")
    AND NOT EXISTS (SELECT 1 FROM "Support" x WHERE x."residentId" = r."id")
    AND NOT EXISTS (SELECT 1 FROM "Follow" x WHERE x."residentId" = r."id")
    AND NOT EXISTS (SELECT 1 FROM "Report" x WHERE x."reporterId" = r."id")
    AND NOT EXISTS (SELECT 1 FROM "InitiativeFollow" x WHERE x."residentId" = r."id")
    AND NOT EXISTS (SELECT 1 FROM "NewsItem" x WHERE x."authorResidentId" = r."id")
    AND NOT EXISTS (SELECT 1 FROM "SurveyResponse" x WHERE x."residentId" = r."id")
    AND NOT EXISTS (SELECT 1 FROM "SurveyDraft" x WHERE x."residentId" = r."id")`;

  /**
   * Asked before `askedBefore` and not seen since the question. "Since" starts a day before it: a
   * message that raced the question (seen just before the mark was set) also counts as an answer,
   * and someone asked was silent for months, so a day takes nothing from them.
   */
  const unanswered = (askedBefore: Date) => Prisma.sql`r."stayAskedAt" < ${sqlTimestamp(askedBefore)}
    AND NOT EXISTS (SELECT 1 FROM "Identity" i WHERE i."residentId" = r."id" AND i."lastSeenAt" >= r."stayAskedAt" - INTERVAL '1 day')`;

  /**
   * Asks silent residents in batches, each one unit of work: the question goes into the outbox
   * (one delivery to the private chat each resident was seen in last, in their language) and
   * `stayAskedAt` is set for the whole batch, so a resident is asked exactly once. One without a
   * private chat (never wrote privately, or consent withdrawn so the publisher skips them) gets
   * the mark too: it starts the answer period all the same, so they are erased after
   * INACTIVE_AFTER_MONTHS plus INACTIVE_ANSWER_DAYS, like one who did not answer.
   */
  async function askSilent(now: Date): Promise<{ asked: number; unreachable: number }> {
    const since = monthsBefore(now, periods.inactiveAfterMonths);
    const eraseOn = new Date(now.getTime() + periods.inactiveAnswerDays * DAY_MS);
    let asked = 0;
    let unreachable = 0;
    for (;;) {
      const done = await deps.access.run(async () => {
        const rows = await db().$queryRaw<{ id: number }[]>`
          SELECT r."id" FROM "Resident" r
          WHERE r."stayAskedAt" IS NULL AND ${silentSince(since)} AND NOT (${neverAgreed})
          ORDER BY r."id" LIMIT ${batch} FOR UPDATE SKIP LOCKED`;
        if (rows.length === 0) return 0;
        const ids = rows.map((r) => r.id);
        const receipt = await deps.publisher.publish({
          audience: { kind: "residents", residentIds: ids },
          origin: "retention:stay-question",
          title: `Stay question (${ids.length})`,
          content: (locale) => stayQuestion(deps.translator, locale, { months: periods.inactiveAfterMonths, eraseOn, timeZone: deps.timeZone ?? DEFAULT_TIME_ZONE }),
        });
        await db().resident.updateMany({ where: { id: { in: ids } }, data: { stayAskedAt: now } });
        asked += ids.length;
        unreachable += ids.length - receipt.recipients;
        return ids.length;
      });
      if (done < batch) return { asked, unreachable };
    }
  }

  /**
   * Erases every resident `due` matches, one unit of work each: the resident's identities and row
   * are locked and `due` checked again first, so a message that arrived in between keeps them. A
   * failing erasure is logged and retried at the next pass; the others go on.
   */
  async function eraseWhere(due: Prisma.Sql, what: string): Promise<number> {
    let erased = 0;
    let after = 0;
    for (;;) {
      const rows = await db().$queryRaw<{ id: number }[]>`
        SELECT r."id" FROM "Resident" r WHERE r."id" > ${after} AND ${due} ORDER BY r."id" LIMIT ${batch}`;
      for (const { id } of rows) {
        try {
          const done = await deps.access.run(async () => {
            await db().$queryRaw`SELECT 1 FROM "Identity" WHERE "residentId" = ${id} FOR UPDATE`;
            const still = await db().$queryRaw<{ id: number }[]>`SELECT r."id" FROM "Resident" r WHERE r."id" = ${id} AND ${due} FOR UPDATE`;
            if (still.length === 0) return false;
            await deps.erase(id);
            return true;
          });
          if (done) erased += 1;
        } catch (err) {
          log.error({ err, residentId: id, what }, "erasing a resident failed; tried again at the next pass");
        }
      }
      if (rows.length < batch) return erased;
      after = rows.at(-1)!.id;
    }
  }

  async function residents(now: Date): Promise<{ asked: number; unreachable: number; erased: number; neverOnboarded: number }> {
    const since = monthsBefore(now, periods.inactiveAfterMonths);
    const askedBefore = new Date(now.getTime() - periods.inactiveAnswerDays * DAY_MS);
    // Erasing first: someone asked a day before would otherwise just be asked once more.
    const erased = await eraseWhere(unanswered(askedBefore), "no answer to the stay question");
    const neverOnboarded = await eraseWhere(Prisma.sql`${silentSince(since)} AND ${neverAgreed}`, "never onboarded");
    const { asked, unreachable } = await askSilent(now);
    return { asked, unreachable, erased, neverOnboarded };
  }

  async function runOnce(): Promise<MaintenanceReport> {
    const now = deps.clock.now();
    const report: MaintenanceReport = {
      ...(await events(now)),
      linkCodes: await linkCodes(now),
      photos: await photos(now),
      quarantined: await quarantined(now),
      inboxSetAside: await inboxLeftovers(now),
      ...(await deliveries(now)),
      ...(await residents(now)),
    };
    const { asked, unreachable, ...removed } = report;
    const touched = Object.entries(removed).filter(([, count]) => count > 0);
    if (touched.length > 0) log.info(Object.fromEntries(touched), "maintenance removed old rows");
    if (asked > 0) log.info({ asked, unreachable }, "asked silent residents whether to stay");
    return report;
  }

  let busy = false;
  const tick = () => {
    // A pass that outlasts the interval (a first run over a large database) is not joined by a second.
    if (busy) return;
    busy = true;
    running = runOnce()
      .catch((err: unknown) => log.error({ err }, "maintenance pass failed"))
      .finally(() => (busy = false));
  };

  return {
    runOnce,
    async start() {
      tick();
      timer = setInterval(tick, interval);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
