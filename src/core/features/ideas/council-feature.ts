import type { Feature } from "../../conversation/feature.js";
import type { Turn } from "../../conversation/turn.js";
import { actorOf, deny, idAndRest, mayAct, parseId, ideaInScope } from "./access.js";
import type { IdeasDeps } from "./ideas-deps.js";
import { COUNCIL_STATUSES, type IdeaStatus } from "./idea-model.js";
import { notifyProgress, notifyStatus } from "./notify.js";
import { createResultDrafting } from "./result-drafting.js";

const LISTED = 30;
const TEXT_MAX = 1000;

/**
 * The citizens' council: approved ideas with their supports, priority ranks, the lifecycle
 * approved → prioritised → workshop → decided (accepted / declined, with a statement) →
 * implemented (with progress notes), and council result posts reviewed by a second member.
 */
export function createCouncilFeature(deps: IdeasDeps): Feature {
  const drafting = createResultDrafting(deps);

  /** Loads the idea and checks the council role for its area; undefined when refused. */
  const ideaForCouncil = (turn: Turn, id: number | undefined) => ideaInScope(turn, deps.areas, deps.ideas, "council", id);

  async function list(turn: Turn): Promise<void> {
    if (!(await mayAct(turn, deps.areas, "council", "any"))) return deny(turn);
    const ideas = await deps.ideas.listByStatus(COUNCIL_STATUSES, "rank", 500);
    const lines: string[] = [];
    for (const idea of ideas) {
      if (lines.length >= LISTED) break;
      if (!(await mayAct(turn, deps.areas, "council", idea.areaId))) continue;
      lines.push(
        turn.t("ideas:council-line", {
          id: idea.id,
          title: idea.title,
          count: idea.supportCount,
          status: turn.t(`ideas:status-${idea.status}`),
          rank: idea.priorityRank ?? "–",
        }),
      );
    }
    if (lines.length === 0) return turn.say("ideas:council-empty");
    turn.reply({ html: [turn.t("ideas:council-heading"), ...lines, turn.t("ideas:council-help")].join("\n") });
  }

  async function move(turn: Turn, id: number | undefined, from: readonly IdeaStatus[], to: IdeaStatus, statement: string | null, rank?: number) {
    const idea = await ideaForCouncil(turn, id);
    if (!idea) return;
    const outcome = await deps.ideas.transition(idea.id, from, to, actorOf(turn), statement, rank);
    if (outcome.kind === "missing") return turn.say("ideas:not-found");
    if (outcome.kind === "conflict") {
      return turn.say("ideas:council-wrong-status", {
        id: idea.id,
        status: turn.t(`ideas:status-${outcome.idea.status}`),
        needed: from.map((s) => turn.t(`ideas:status-${s}`)).join(", "),
      });
    }
    await deps.audit.record(actorOf(turn), `idea.${to}`, "idea", idea.id, statement);
    await notifyStatus(deps, outcome.idea, to, statement);
    turn.say("ideas:council-moved", { id: idea.id, title: idea.title, status: turn.t(`ideas:status-${to}`) });
  }

  async function rank(turn: Turn, args: string): Promise<void> {
    const { id, rest } = idAndRest(args);
    const value = parseId(rest);
    if (id === undefined || value === undefined) return turn.say("ideas:rank-usage");
    const idea = await ideaForCouncil(turn, id);
    if (!idea) return;
    if (!COUNCIL_STATUSES.includes(idea.status)) {
      return turn.say("ideas:council-wrong-status", {
        id,
        status: turn.t(`ideas:status-${idea.status}`),
        needed: COUNCIL_STATUSES.map((s) => turn.t(`ideas:status-${s}`)).join(", "),
      });
    }
    await deps.ideas.setRank(id, value);
    await deps.audit.record(actorOf(turn), "idea.rank", "idea", id, String(value));
    turn.say("ideas:ranked", { id, rank: value });
  }

  async function decide(turn: Turn, args: string): Promise<void> {
    const match = /^#?(\d{1,9})\s+(\S+)\s+([\s\S]+)$/.exec(args.trim());
    const verdict = match?.[2]?.toLowerCase();
    const accepted = ["accept", "annehmen", "ja", "yes"].includes(verdict ?? "");
    const declined = ["decline", "ablehnen", "nein", "no"].includes(verdict ?? "");
    if (!match || (!accepted && !declined)) return turn.say("ideas:decide-usage");
    const statement = match[3]!.trim().slice(0, TEXT_MAX);
    await move(turn, Number(match[1]), ["prioritised", "workshop"], accepted ? "decided_accepted" : "decided_declined", statement);
  }

  async function progress(turn: Turn, args: string): Promise<void> {
    const { id, rest } = idAndRest(args);
    if (id === undefined || rest.length === 0) return turn.say("ideas:progress-usage");
    const idea = await ideaForCouncil(turn, id);
    if (!idea) return;
    if (!["workshop", "decided_accepted", "implemented"].includes(idea.status)) {
      return turn.say("ideas:council-wrong-status", {
        id,
        status: turn.t(`ideas:status-${idea.status}`),
        needed: ["workshop", "decided_accepted", "implemented"].map((s) => turn.t(`ideas:status-${s}`)).join(", "),
      });
    }
    const note = rest.slice(0, TEXT_MAX);
    await deps.ideas.addNote(id, actorOf(turn), note);
    await deps.audit.record(actorOf(turn), "idea.progress", "idea", id, note);
    await notifyProgress(deps, idea, note);
    turn.say("ideas:progress-noted", { id });
  }

  const cmd = (name: string, run: (turn: Turn, args: string) => Promise<void>) => ({
    name,
    scope: "any" as const,
    audience: "council" as const,
    descriptionKey: `ideas:command-${name}`,
    run,
  });

  return {
    id: "council",
    commands: [
      cmd("council", (turn) => list(turn)),
      cmd("rank", rank),
      cmd("prioritise", (turn, args) => {
        const { id, rest } = idAndRest(args);
        return move(turn, id, ["approved"], "prioritised", null, parseId(rest));
      }),
      cmd("workshop", (turn, args) => move(turn, parseId(args), ["prioritised"], "workshop", null)),
      cmd("decide", decide),
      cmd("implemented", (turn, args) => {
        const { id, rest } = idAndRest(args);
        return move(turn, id, ["decided_accepted"], "implemented", rest.slice(0, TEXT_MAX) || null);
      }),
      cmd("progress", progress),
      { ...cmd("result", (turn) => drafting.start(turn)), scope: "private" as const },
      cmd("drafts", (turn) => drafting.drafts(turn)),
      cmd("publishresult", (turn, args) => drafting.publish(turn, parseId(args))),
    ],
    async handleAction(turn, verb, args) {
      if (verb === "pub") return drafting.publish(turn, parseId(args[0]));
      if (verb === "rnone") return drafting.choose(turn, "none", args[0] === "sure");
      if (verb === "rcancel") return drafting.choose(turn, "cancel", args[0] === "sure");
      if (verb === "rids") return drafting.finish(turn, args[0] ?? "");
      if (verb === "rback") return drafting.askIdeas(turn);
      turn.say("common:stale-action");
    },
    handleText: (turn, text) => drafting.handleText(turn, text),
  };
}
