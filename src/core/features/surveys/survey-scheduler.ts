import type { Clock } from "../../ports/clock.js";
import type { Logger } from "../../ports/logger.js";
import type { UnitOfWork } from "../../ports/stores.js";
import type { SurveyStore } from "../../ports/survey-store.js";

export interface SurveySchedulerDeps {
  readonly store: SurveyStore;
  readonly unitOfWork: UnitOfWork;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How often to look for surveys past their close time; default one minute. */
  readonly intervalMs?: number;
}

export interface SurveyScheduler {
  start(): void;
  /** Stops the timer and waits for a running check to finish. */
  stop(): Promise<void>;
  /** One check now; returns the ids of the surveys it closed. */
  tick(): Promise<number[]>;
}

/**
 * Closes surveys at their close time. Answering already refuses after closesAt by itself; this
 * makes the status (and the admins' overview) follow and removes the drafts left behind.
 */
export function createSurveyScheduler(deps: SurveySchedulerDeps): SurveyScheduler {
  const intervalMs = deps.intervalMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number[]> | undefined;

  function tick(): Promise<number[]> {
    running ??= deps.unitOfWork
      .run(() => deps.store.closeDueSurveys(deps.clock.now()))
      .then((closed) => {
        if (closed.length > 0) deps.logger.info({ closed }, "closed surveys at their close time");
        return closed;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  return {
    start() {
      if (timer) return;
      timer = setInterval(() => {
        tick().catch((error: unknown) => deps.logger.error({ err: error }, "closing due surveys failed"));
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
    tick,
  };
}
