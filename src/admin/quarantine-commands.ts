import type { QuarantinedEvent, QuarantineStore } from "../storage/stores/quarantine-store.js";
import { AdminError } from "./admin-error.js";

/** One line per set-aside event: id, channel, event id, when, why. Reasons stay on one line. */
export function quarantineLine(row: QuarantinedEvent, dates: { moment(date: Date): string }): string {
  return `${row.id}  ${row.channel}  ${row.eventId}  ${dates.moment(row.createdAt)}  ${row.reason.replace(/\s+/g, " ")}`;
}

/**
 * The kept payload for `quarantine show`, indented for reading; as stored if it is no JSON.
 *
 * @example
 * prettyPayload('{"update_id":815}') === '{\n  "update_id": 815\n}'
 */
export function prettyPayload(payload: string): string {
  try {
    return JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    return payload;
  }
}

/** A quarantine id from the command line, or an AdminError naming what was typed. */
export function quarantineId(value: string): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id <= 0) throw new AdminError("admin:quarantine-not-found", { id: value });
  return id;
}

/** The entry with that id, or an AdminError. */
export async function requireQuarantined(store: QuarantineStore, value: string): Promise<QuarantinedEvent> {
  const row = await store.get(quarantineId(value));
  if (!row) throw new AdminError("admin:quarantine-not-found", { id: value });
  return row;
}
