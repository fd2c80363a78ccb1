import type { Turn } from "../../conversation/turn.js";

/**
 * What a publish was about, in plain words, from its internal origin: "idea:1:submitted" →
 * "Idee 1: eingereicht", "report:1" → "Meldung 1", "digest:news:2026-11-27" → "Zusammenfassung vom
 * 27.11.2026". An origin of an unknown shape is shown as it is (better than nothing for an admin).
 *
 * @example
 * describeOrigin(turn, "survey:3:opened"); // "Umfrage 3: geöffnet"
 */
export function describeOrigin(turn: Turn, origin: string, timeZone = "Europe/Berlin"): string {
  const [kind = "", id = "", ...rest] = origin.split(":");
  if (kind === "digest") {
    const day = rest[0] ?? "";
    const date = /^\d{4}-\d\d-\d\d$/.test(day) ? new Date(`${day}T12:00:00Z`) : undefined;
    const shown = date ? new Intl.DateTimeFormat(turn.locale, { dateStyle: "medium", timeZone }).format(date) : day;
    return translated(turn, "audit:origin-digest", { id: shown }) ?? origin;
  }
  const subject = translated(turn, `audit:origin-${kind}`, { id });
  if (!subject || id === "") return origin;
  const event = rest.join(":");
  if (!event) return subject;
  return `${subject}: ${translated(turn, `audit:origin-event-${event}`) ?? event}`;
}

function translated(turn: Turn, key: string, values: Record<string, string> = {}): string | undefined {
  const text = turn.t(key, values);
  return text === key || text === key.slice(key.indexOf(":") + 1) ? undefined : text;
}
