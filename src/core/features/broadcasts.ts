import type { Feature } from "../conversation/feature.js";
import type { Turn } from "../conversation/turn.js";
import type { OutboxOverview } from "../ports/subscriptions.js";

export interface BroadcastsDeps {
  readonly outbox: OutboxOverview;
  /** How many publishes /broadcasts lists; default 10. */
  readonly limit?: number;
}

/** `/broadcasts` for admins: the latest publishes with sent / pending / failed counts. */
export function createBroadcastsFeature(deps: BroadcastsDeps): Feature {
  async function show(turn: Turn): Promise<void> {
    const grants = await turn.roles();
    if (!grants.some((g) => g.role === "admin" && g.scope === "*")) {
      turn.say("broadcasts:admins-only");
      return;
    }
    const rows = await deps.outbox.recent(deps.limit ?? 10);
    if (rows.length === 0) {
      turn.say("broadcasts:none");
      return;
    }
    const lines = rows.map((r) =>
      turn.t("broadcasts:line", {
        id: r.id,
        title: r.title,
        origin: r.origin,
        sent: r.sent,
        pending: r.pending,
        failed: r.failed,
        date: r.createdAt.toISOString().slice(0, 16).replace("T", " "),
      }),
    );
    turn.reply({ html: `${turn.t("broadcasts:title")}\n\n${lines.join("\n\n")}` });
  }
  return {
    id: "broadcasts",
    commands: [{ name: "broadcasts", scope: "any", audience: "admin", descriptionKey: "broadcasts:command", run: (turn) => show(turn) }],
  };
}

