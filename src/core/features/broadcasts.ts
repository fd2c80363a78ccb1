import type { Feature } from "../conversation/feature.js";
import type { Turn } from "../conversation/turn.js";
import type { OutboxOverview } from "../ports/subscriptions.js";
import { definePageAction, renderPage } from "../render/pager.js";
import { describeOrigin } from "./audit/origin-text.js";
import { formatMoment } from "../render/format-date.js";

export interface BroadcastsDeps {
  readonly outbox: OutboxOverview;
  /** How many of the latest publishes /broadcasts pages through; default 100. */
  readonly limit?: number;
  /** The municipality's time zone (TIME_ZONE), for the time of each publish. */
  readonly timeZone: string;
}

/** Pages of /broadcasts: "broadcasts:p:2". */
export const BROADCAST_PAGES = definePageAction("broadcasts", "p");

/** `/broadcasts` for admins: the latest publishes with sent / pending / failed counts, paged. */
export function createBroadcastsFeature(deps: BroadcastsDeps): Feature {
  async function show(turn: Turn, page: number): Promise<void> {
    const grants = await turn.roles();
    if (!grants.some((g) => g.role === "admin" && g.scope === "*")) {
      turn.say("broadcasts:admins-only");
      return;
    }
    const rows = await deps.outbox.recent(deps.limit ?? 100);
    if (rows.length === 0) {
      turn.say("broadcasts:none");
      return;
    }
    const items = rows.map((r) => ({
      value: undefined,
      html: turn.t("broadcasts:line", {
        id: r.id,
        // Moderation cards carry their origin as title ("report:1"): shown in plain words instead.
        title: r.title === r.origin ? describeOrigin(turn, r.origin) : r.title,
        origin: describeOrigin(turn, r.origin),
        sent: r.sent,
        pending: r.pending,
        failed: r.failed,
        date: formatMoment(r.createdAt, turn.locale, deps.timeZone),
      }),
    }));
    const view = renderPage(turn, { header: turn.t("broadcasts:title"), items, page, action: BROADCAST_PAGES, separator: "\n\n" });
    turn.reply({ html: view.html, ...(view.navigation.length > 0 ? { choices: [view.navigation] } : {}) });
  }
  return {
    id: "broadcasts",
    commands: [{ name: "broadcasts", scope: "any", audience: "admin", descriptionKey: "broadcasts:command", run: (turn) => show(turn, 1) }],
    async handleAction(turn, verb, args) {
      const request = BROADCAST_PAGES.parse(verb, args);
      if (request) return show(turn, request.page);
      turn.say("common:stale-action");
    },
  };
}

