import type { Logger } from "../core/ports/logger.js";
import type { QuarantineInput, QuarantineStore } from "../storage/stores/quarantine-store.js";

/** The message of an error, for a quarantine reason ("storing failed: <message>"). */
export function errorReason(prefix: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Prisma's messages start with the call site over several lines; the last line names the cause.
  const lines = message.split("\n").map((line) => line.trim()).filter(Boolean);
  return `${prefix}: ${lines.at(-1) ?? "unknown error"}`;
}

/**
 * Sets one inbound event aside and logs it at warn with its quarantine id and the reason.
 * Returns the id, or undefined when even that write failed (logged at error): then the database
 * itself is in trouble, and the caller decides whether to try again later.
 *
 * @example
 * const id = await quarantineEvent(quarantine, logger, { channel: "matrix", instance: userId, eventId, reason, payload: event });
 */
export async function quarantineEvent(store: QuarantineStore, logger: Logger, input: QuarantineInput): Promise<number | undefined> {
  try {
    const id = await store.add(input);
    logger.warn({ quarantineId: id, eventId: input.eventId, reason: input.reason }, "set an inbound event aside in the quarantine");
    return id;
  } catch (err) {
    logger.error({ err, eventId: input.eventId, reason: input.reason }, "could not set an inbound event aside in the quarantine");
    return undefined;
  }
}
