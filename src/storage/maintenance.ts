import type { Logger } from "../core/ports/logger.js";
import type { Clock } from "../core/ports/clock.js";
import type { PrismaClient } from "./generated/prisma/client.js";

export interface MaintenanceDeps {
  readonly prisma: PrismaClient;
  readonly clock: Clock;
  readonly logger: Logger;
  /**
   * How long handled event ids are kept. Platforms redeliver within hours; Telegram picks update
   * ids at random after a week without updates, so old ids must not linger for a week.
   */
  readonly retainEventsMs?: number;
  /**
   * How long a photo that no idea or news item took up is kept: one sent in a draft that was
   * abandoned. Long enough that a resident who comes back to a draft still finds it.
   */
  readonly retainDraftPhotosMs?: number;
  /** How long inbound events set aside in the quarantine are kept for admins (default 30 days). */
  readonly retainQuarantineMs?: number;
  readonly intervalMs?: number;
}

export interface Maintenance {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** One pass; returns how many rows it removed. */
  runOnce(): Promise<{ events: number; linkCodes: number; photos: number; quarantined: number }>;
}

/** Removes handled-event records, link codes (with old wrong attempts and claims), draft photos and quarantined events that can no longer matter. */
export function createMaintenance(deps: MaintenanceDeps): Maintenance {
  const retain = deps.retainEventsMs ?? 3 * 24 * 3_600_000;
  const retainPhotos = deps.retainDraftPhotosMs ?? 30 * 24 * 3_600_000;
  const retainQuarantine = deps.retainQuarantineMs ?? 30 * 24 * 3_600_000;
  const interval = deps.intervalMs ?? 3_600_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();

  async function runOnce() {
    const now = deps.clock.now();
    const events = await deps.prisma.processedEvent.deleteMany({ where: { processedAt: { lt: new Date(now.getTime() - retain) } } });
    const expiredCodes = await deps.prisma.linkCode.deleteMany({ where: { expiresAt: { lt: now } } });
    // Wrong /link codes count for an hour, claims live as long as their code (15 minutes): a day is ample.
    const dayAgo = new Date(now.getTime() - 24 * 3_600_000);
    const attempts = await deps.prisma.linkAttempt.deleteMany({ where: { createdAt: { lt: dayAgo } } });
    const claims = await deps.prisma.linkClaim.deleteMany({ where: { createdAt: { lt: dayAgo } } });
    const linkCodes = { count: expiredCodes.count + attempts.count + claims.count };
    const photos = await deps.prisma.photo.deleteMany({
      where: { createdAt: { lt: new Date(now.getTime() - retainPhotos) }, ideas: { none: {} }, news: { none: {} } },
    });
    // Holds what residents sent, so it goes once admins had a month to look.
    const quarantined = await deps.prisma.quarantinedEvent.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - retainQuarantine) } } });
    const removed = { events: events.count, linkCodes: linkCodes.count, photos: photos.count, quarantined: quarantined.count };
    if (removed.events + removed.linkCodes + removed.photos + removed.quarantined > 0) deps.logger.info(removed, "maintenance removed old rows");
    return removed;
  }

  const tick = () => {
    running = runOnce().catch((err: unknown) => deps.logger.error({ err }, "maintenance pass failed"));
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
