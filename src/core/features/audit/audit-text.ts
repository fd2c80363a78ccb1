import type { Turn } from "../../conversation/turn.js";
import type { AuditEntry } from "../ideas/idea-model.js";
import { formatMoment as formatDate } from "../../render/format-date.js";

/** The municipality's zone for audit times until the time zone comes from the configuration. */
const AUDIT_TIME_ZONE = "Europe/Berlin";

/**
 * An audit entry in plain translated words: "27.11.2026, 10:00 Anna Muster: Idee 2 angenommen –
 * „passt“". Each action has a sentence in locales/<lang>/audit.json (`act-<action>`, with the
 * target's number as {{id}}); an action without one (e.g. from a newer version) still reads as
 * "<action> (<target> <id>)", the action named by its `ideas:audit-action-<action>` text where
 * one exists and the target type translated.
 *
 * @example
 * turn.reply({ html: auditLine(turn, entry) });
 */
export function auditLine(turn: Turn, entry: AuditEntry, timeZone = AUDIT_TIME_ZONE): string {
  const what = describeAct(turn, entry);
  const values = { at: formatDate(entry.createdAt, turn.locale, timeZone), actor: entry.actor.name, what, reason: entry.reason ?? "" };
  return turn.t(entry.reason ? "audit:line-reason" : "audit:line", values);
}

/** "Idee 2 angenommen", "Umfrage 3 geöffnet", "Chat telegram:-100 abonniert". */
export function describeAct(turn: Turn, entry: Pick<AuditEntry, "action" | "targetType" | "targetId">): string {
  const key = `audit:act-${entry.action}`;
  const sentence = turn.t(key, { id: entry.targetId });
  if (!isMissing(sentence, key)) return sentence;
  const targetKey = `audit:target-${entry.targetType}`;
  const target = turn.t(targetKey);
  // Older action names live in the ideas namespace ("ideas:audit-action-idea.approve").
  const nameKey = `ideas:audit-action-${entry.action}`;
  const name = turn.t(nameKey);
  const action = isMissing(name, nameKey) ? entry.action : name;
  return turn.t("audit:act-other", { action, target: isMissing(target, targetKey) ? entry.targetType : target, id: entry.targetId });
}

/** i18next answers a missing key with the key itself (with or without its namespace). */
function isMissing(text: string, key: string): boolean {
  return text === key || text === key.slice(key.indexOf(":") + 1);
}
