import { newsPhotoChoices, renderNews } from "../../core/features/news-format.js";
import type { Clock } from "../../core/ports/clock.js";
import type { Logger } from "../../core/ports/logger.js";
import type { Publisher } from "../../core/ports/publisher.js";
import type { Translator } from "../../core/ports/translator.js";
import type { PrismaAccess } from "../prisma-access.js";
import { sqlTimestamp } from "./publisher.js";

export interface DigestJobDeps {
  readonly access: PrismaAccess;
  readonly publisher: Publisher;
  readonly translator: Translator;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How often start() checks whether yesterday's digest is still due; default 10 minutes. */
  readonly intervalMs?: number;
}

/**
 * The daily news digest: residents who chose "once a day" for news get one message with every
 * item their followed initiatives published that (UTC) day. Residents who withdrew consent get none.
 *
 * @example
 * const digest = createDigestJob({ access, publisher, translator, clock, logger });
 * digest.start(); // sends yesterday's digest once, after midnight, even across restarts
 */
export interface DigestJob {
  /** Sends the digest of `day` ("YYYY-MM-DD") to everyone who has not had it; returns how many got one. */
  runDay(day: string): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

interface GroupRow {
  items: number[];
  residents: number[];
}

export function createDigestJob(deps: DigestJobDeps): DigestJob {
  const log = deps.logger.child({ component: "digest" });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;

  async function runDay(day: string): Promise<number> {
    const from = new Date(`${day}T00:00:00.000Z`);
    if (Number.isNaN(from.getTime())) throw new Error(`not a day: ${day}`);
    const to = new Date(from.getTime() + 24 * 60 * 60 * 1000);
    // Residents with the same set of new items share one broadcast, so a day's digest is a
    // handful of publishes, not one per resident. DigestRun makes a second run send nothing.
    const groups = await deps.access.client().$queryRaw<GroupRow[]>`
      SELECT items, array_agg("residentId" ORDER BY "residentId") AS residents FROM (
        SELECT f."residentId", array_agg(DISTINCT n.id ORDER BY n.id) AS items
        FROM "ResidentFeedPreference" p
        JOIN "Resident" r ON r.id = p."residentId" AND r."privacyWithdrawnAt" IS NULL
        JOIN "InitiativeFollow" f ON f."residentId" = p."residentId"
        JOIN "NewsItem" n ON n."initiativeId" = f."initiativeId" AND n.status = 'published'
          AND n."publishedAt" >= ${sqlTimestamp(from)} AND n."publishedAt" < ${sqlTimestamp(to)}
        WHERE p.feed = 'news' AND p.mode = 'digest'
          AND NOT EXISTS (SELECT 1 FROM "DigestRun" d WHERE d."residentId" = p."residentId" AND d.day = ${day})
        GROUP BY f."residentId") per_resident
      GROUP BY items`;
    let residents = 0;
    for (const group of groups) {
      await deps.access.run(async () => {
        const db = deps.access.client();
        const rows = await db.newsItem.findMany({
          where: { id: { in: group.items } },
          include: { initiative: { select: { name: true } } },
          orderBy: [{ publishedAt: "asc" }, { id: "asc" }],
        });
        const receipt = await deps.publisher.publish({
          audience: { kind: "residents", residentIds: group.residents },
          origin: `digest:news:${day}`,
          title: `Digest ${day} (${rows.length})`,
          content: (locale) => ({
            html: [
              deps.translator.t(locale, "initiatives:digest-title", { day: day.split("-").reverse().join(".") }),
              ...rows.map((r) => renderNews(deps.translator, locale, r, r.initiative.name)),
            ].join("\n\n"),
            choices: newsPhotoChoices(deps.translator, locale, rows),
          }),
        });
        await db.digestRun.createMany({
          data: group.residents.map((residentId) => ({ residentId, day, broadcastId: receipt.broadcastId })),
          skipDuplicates: true,
        });
      });
      residents += group.residents.length;
    }
    if (residents > 0) log.info({ day, residents, broadcasts: groups.length }, "daily digest published");
    return residents;
  }

  const yesterday = () => new Date(deps.clock.now().getTime() - 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
  const tick = () => {
    running ??= runDay(yesterday())
      .catch((error: unknown) => log.error({ err: error }, "daily digest failed"))
      .finally(() => (running = undefined));
  };

  return {
    runDay,
    start() {
      if (timer) return;
      tick();
      timer = setInterval(tick, deps.intervalMs ?? 10 * 60_000);
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
