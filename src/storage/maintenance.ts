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
  readonly intervalMs?: number;
}

export interface Maintenance {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** One pass; returns how many rows it removed. */
  runOnce(): Promise<{ events: number; linkCodes: number }>;
}

/** Removes handled-event records and link codes that can no longer matter. */
export function createMaintenance(deps: MaintenanceDeps): Maintenance {
  const retain = deps.retainEventsMs ?? 3 * 24 * 3_600_000;
  const interval = deps.intervalMs ?? 3_600_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();

  async function runOnce() {
    const now = deps.clock.now();
    const events = await deps.prisma.processedEvent.deleteMany({ where: { processedAt: { lt: new Date(now.getTime() - retain) } } });
    const linkCodes = await deps.prisma.linkCode.deleteMany({ where: { expiresAt: { lt: now } } });
    if (events.count + linkCodes.count > 0) deps.logger.info({ events: events.count, linkCodes: linkCodes.count }, "maintenance removed old rows");
    return { events: events.count, linkCodes: linkCodes.count };
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
