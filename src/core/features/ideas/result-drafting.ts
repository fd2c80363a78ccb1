import type { Turn } from "../../conversation/turn.js";
import type { Locale } from "../../model/locale.js";
import { actorOf, deny, mayAct, parseId } from "./access.js";
import type { IdeasDeps } from "./ideas-deps.js";
import { isPublic, type CouncilResult } from "./idea-model.js";
import { isGlobalAdmin } from "./moderation-feature.js";
import { audienceOf } from "./notify.js";
import { htmlToPlain } from "../../render/plain-text.js";

const FLOW = "council";
const TITLE_MAX = 120;
const TEXT_MAX = 3000;

/** Council result posts: a member drafts one; a second member or an admin publishes it. */
export function createResultDrafting(deps: IdeasDeps) {
  const cancel = (turn: Turn) => [{ label: turn.t("ideas:cancel"), action: "council:rcancel" }];

  async function start(turn: Turn): Promise<void> {
    if (!(await mayAct(turn, deps.areas, "council", "any"))) return deny(turn);
    turn.enter(FLOW, "rtitle");
    turn.say("ideas:result-ask-title", { max: TITLE_MAX }, [cancel(turn)]);
  }

  async function handleText(turn: Turn, text: string): Promise<void> {
    const value = text.trim();
    const data = turn.state.data;
    if (turn.state.step === "rtitle") {
      if (value.length < 3 || value.length > TITLE_MAX) return turn.say("ideas:result-title-length", { max: TITLE_MAX }, [cancel(turn)]);
      turn.enter(FLOW, "rtext", { title: value });
      return turn.say("ideas:result-ask-text", { max: TEXT_MAX }, [cancel(turn)]);
    }
    if (turn.state.step === "rtext") {
      if (value.length < 3 || value.length > TEXT_MAX) return turn.say("ideas:result-text-length", { max: TEXT_MAX }, [cancel(turn)]);
      turn.enter(FLOW, "rideas", { ...data, text: value });
      return askIdeas(turn);
    }
    if (turn.state.step === "rideas") return finish(turn, value);
    turn.say("common:not-understood");
  }

  /** The idea step. Idea numbers are typed with "#", so a bare number can only mean a choice, and is checked. */
  function askIdeas(turn: Turn): void {
    turn.say("ideas:result-ask-ideas", {}, [[{ label: turn.label("ideas:result-no-ideas"), action: "council:rnone" }], cancel(turn)]);
  }

  /**
   * "No particular idea" or "Cancel" at the idea step. Typed as a bare number ("2") it may have
   * meant idea #2: then it is asked back, and a cancel typed as a number is always confirmed, so a
   * slip never throws the title and text away. A pressed button (or a confirmed choice) acts.
   */
  async function choose(turn: Turn, choice: "none" | "cancel", sure: boolean): Promise<void> {
    const { title, text } = turn.state.data;
    const drafting = turn.state.flow === FLOW && turn.state.step === "rideas" && typeof title === "string" && typeof text === "string";
    const payload = turn.event.payload;
    const typed = payload.type === "text" ? parseId(payload.text) : undefined;
    if (drafting && !sure && typed !== undefined) {
      const idea = await deps.ideas.get(typed);
      const meant = idea && isPublic(idea.status) ? idea : undefined;
      if (meant || choice === "cancel") {
        const confirm = choice === "cancel" ? turn.label("ideas:result-discard", { title }) : turn.label("ideas:result-no-ideas");
        const rows = [
          ...(meant ? [[{ label: turn.label("ideas:result-link-idea", { id: meant.id, title: meant.title }), action: `council:rids:${meant.id}` }]] : []),
          [{ label: confirm, action: `council:r${choice}:sure` }],
          ...(meant ? [] : [[{ label: turn.label("ideas:result-keep-writing"), action: "council:rback" }]]),
        ];
        const key = meant ? "ideas:result-which" : "ideas:result-sure-discard";
        return turn.say(key, { number: typed, id: meant?.id ?? typed, title: meant?.title ?? title, choice: confirm }, rows);
      }
    }
    if (choice === "none") return finish(turn, "");
    turn.leave();
    turn.say(drafting ? "ideas:result-discarded" : "ideas:cancelled");
  }

  async function finish(turn: Turn, ideasText: string): Promise<void> {
    const { title, text } = turn.state.data;
    if (turn.state.flow !== FLOW || turn.state.step !== "rideas" || typeof title !== "string" || typeof text !== "string") {
      return turn.say("common:stale-action");
    }
    if (!(await mayAct(turn, deps.areas, "council", "any"))) return deny(turn);
    const ids = [...new Set((ideasText.match(/\d{1,9}/g) ?? []).map(Number))];
    for (const id of ids) {
      const idea = await deps.ideas.get(id);
      if (!idea || !isPublic(idea.status)) {
        turn.say("ideas:result-unknown-idea", { id });
        return askIdeas(turn);
      }
    }
    const draft = await deps.results.createDraft({ title, text, ideaIds: ids, author: actorOf(turn) });
    await deps.audit.record(actorOf(turn), "result.draft", "result", draft.id, null);
    turn.leave();
    turn.say("ideas:result-drafted", { id: draft.id });
  }

  async function drafts(turn: Turn): Promise<void> {
    if (!(await mayAct(turn, deps.areas, "council", "any"))) return deny(turn);
    const list = await deps.results.drafts(20);
    if (list.length === 0) return turn.say("ideas:drafts-empty");
    turn.reply({
      html: [turn.t("ideas:drafts-heading"), ...list.map((r) => turn.t("ideas:draft-line", { id: r.id, title: r.title, author: r.author.name }))].join("\n"),
      choices: list.map((r) => [{ label: turn.label("ideas:publish-result", { id: r.id }), action: `council:pub:${r.id}` }]),
    });
  }

  async function publish(turn: Turn, id: number | undefined): Promise<void> {
    if (!(await mayAct(turn, deps.areas, "council", "any"))) return deny(turn);
    const draft = id === undefined ? undefined : await deps.results.get(id);
    if (!draft) return turn.say("ideas:result-not-found");
    if (draft.status !== "draft") return turn.say("ideas:result-already-published", { id: draft.id });
    const own = (await deps.residents.identitiesOf(turn.resident.id)).includes(draft.author.identity);
    if (own && !(await isGlobalAdmin(turn))) return turn.say("ideas:result-needs-second");
    const published = await deps.results.publish(draft.id, turn.event.senderId, deps.clock.now());
    if (!published) return turn.say("ideas:result-already-published", { id: draft.id });
    await deps.audit.record(actorOf(turn), "result.publish", "result", draft.id, null);
    await announce(published);
    turn.say("ideas:result-published", { id: draft.id, title: draft.title });
  }

  async function announce(result: CouncilResult): Promise<void> {
    const body = (locale: Locale) => deps.translator.t(locale, "ideas:result-post", { title: result.title, text: result.text });
    await deps.publisher.publish({
      audience: { kind: "feed", feed: "results", areaId: null },
      origin: `result:${result.id}:published`,
      title: result.title,
      content: (locale) => ({
        html: body(locale),
        choices: [[{ label: htmlToPlain(deps.translator.t(locale, "ideas:open-result", { id: result.id })), action: `results:show:${result.id}` }]],
      }),
    });
    const recipients = new Set<number>();
    for (const ideaId of result.ideaIds) {
      const idea = await deps.ideas.get(ideaId);
      if (idea) for (const r of await audienceOf(deps, idea)) recipients.add(r);
    }
    if (recipients.size === 0) return;
    await deps.publisher.publish({
      audience: { kind: "residents", residentIds: [...recipients] },
      origin: `result:${result.id}:followers`,
      title: result.title,
      content: (locale) => ({
        html: deps.translator.t(locale, "ideas:notify-result", { title: result.title }),
        choices: [[{ label: htmlToPlain(deps.translator.t(locale, "ideas:open-result", { id: result.id })), action: `results:show:${result.id}` }]],
      }),
    });
  }

  return { start, handleText, finish, choose, askIdeas, drafts, publish };
}
