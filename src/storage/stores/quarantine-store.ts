import { cleanDeep, cleanText } from "../../core/text/clean-text.js";
import type { PrismaAccess } from "../prisma-access.js";

/** The messengers whose inbound events can be set aside. */
export type QuarantineChannel = "telegram" | "matrix";

/** What a channel sets aside: which event, why, and the event itself. */
export interface QuarantineInput {
  readonly channel: QuarantineChannel;
  /** The receiving bot or account: the Telegram bot id, the Matrix user id. */
  readonly instance: string;
  /** The platform's id of the event (Telegram update_id, Matrix event_id). */
  readonly eventId: string;
  readonly reason: string;
  /** The event as it arrived; kept as cleaned JSON text. */
  readonly payload: unknown;
}

/** One event set aside, as admins see it. */
export interface QuarantinedEvent {
  readonly id: number;
  readonly channel: string;
  readonly instance: string;
  readonly eventId: string;
  readonly reason: string;
  /** JSON text of the cleaned event. */
  readonly payload: string;
  readonly createdAt: Date;
}

/**
 * Inbound events that could not be stored or handled, set aside so they never block the events
 * behind them, and kept for admins (`npm run admin -- quarantine list`) for 30 days.
 *
 * @example
 * const quarantine = createQuarantineStore(access);
 * const id = await quarantine.add({ channel: "telegram", instance: "7000000001", eventId: "815", reason: "storing failed: …", payload: update });
 * const newest = await quarantine.list(20);
 */
export interface QuarantineStore {
  /** Keeps one event; returns its quarantine id. The payload is cleaned and stringified first. */
  add(input: QuarantineInput): Promise<number>;
  /** The newest first. */
  list(limit: number): Promise<QuarantinedEvent[]>;
  get(id: number): Promise<QuarantinedEvent | undefined>;
  /** Forgets one entry; false when there was none with that id. */
  drop(id: number): Promise<boolean>;
  /** Forgets entries set aside before `before`; returns how many. */
  removeOlderThan(before: Date): Promise<number>;
}

/** Longest reason kept; an error message can carry a whole SQL statement. */
const MAX_REASON = 1_000;
/** Longest payload kept; Matrix events are at most 64 KiB, Telegram updates far smaller. */
const MAX_PAYLOAD = 100_000;

/** Cut to `max` UTF-16 units, then cleaned again, since a cut may split a surrogate pair. */
const bounded = (value: string, max: number): string => cleanText(value.length > max ? value.slice(0, max) : value);

/** The payload as JSON text that any database text column accepts. */
export function quarantinePayload(payload: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(cleanDeep(payload)) ?? "null";
  } catch {
    // A cyclic or otherwise unserialisable value: its description is all that can be kept.
    text = JSON.stringify(cleanText(String(payload)));
  }
  return bounded(text, MAX_PAYLOAD);
}

export function createQuarantineStore(db: PrismaAccess): QuarantineStore {
  return {
    async add(input) {
      const row = await db.client().quarantinedEvent.create({
        data: {
          channel: input.channel,
          instance: bounded(input.instance, 255),
          eventId: bounded(input.eventId, 255),
          reason: bounded(input.reason, MAX_REASON),
          payload: quarantinePayload(input.payload),
        },
        select: { id: true },
      });
      return row.id;
    },
    list(limit) {
      return db.client().quarantinedEvent.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit });
    },
    async get(id) {
      return (await db.client().quarantinedEvent.findUnique({ where: { id } })) ?? undefined;
    },
    async drop(id) {
      const { count } = await db.client().quarantinedEvent.deleteMany({ where: { id } });
      return count > 0;
    },
    async removeOlderThan(before) {
      const { count } = await db.client().quarantinedEvent.deleteMany({ where: { createdAt: { lt: before } } });
      return count;
    },
  };
}
