import type { Turn } from "../../conversation/turn.js";
import type { Choice } from "../../model/outbound-message.js";
import type { InboundPhoto } from "../../model/photo.js";
import { selectableAreas } from "../../model/area-tree.js";
import { choiceRows } from "../../render/choice-rows.js";
import { askForPhoto, imageOf, keepPhoto, photoIdIn, storedPhoto } from "../photo-step.js";
import { actorOf } from "./access.js";
import type { IdeasDeps } from "./ideas-deps.js";
import type { Idea } from "./idea-model.js";
import { areaName, moderationCard, toModerators } from "./moderators.js";

export const IDEAS_FLOW = "ideas";
const DAY_MS = 24 * 60 * 60 * 1000;

interface Draft {
  readonly title?: string;
  readonly description?: string;
  readonly areaId?: number | null;
  readonly category?: string;
  readonly photoId?: number;
}

const cancelRow = (turn: Turn): Choice[] => [{ label: turn.t("ideas:cancel"), action: "ideas:cancel" }];

/** What the preview lets the resident change before sending: `ideas:edit:<part>`. */
export const EDITABLE_PARTS = ["title", "text", "area", "cat"] as const;
export type EditablePart = (typeof EDITABLE_PARTS)[number];

/** True while the resident changes one part from the preview: the next answer returns to it. */
const editing = (turn: Turn): boolean => turn.state.data.editing === true;

/** Under an edit prompt: back to the unchanged preview, or cancel the whole idea. */
const editRows = (turn: Turn): Choice[][] => [[{ label: turn.t("ideas:back-to-preview"), action: "ideas:edit:back" }], cancelRow(turn)];

function draftOf(turn: Turn): Draft {
  const data = turn.state.data;
  return {
    ...(typeof data.title === "string" ? { title: data.title } : {}),
    ...(typeof data.description === "string" ? { description: data.description } : {}),
    ...(typeof data.areaId === "number" || data.areaId === null ? { areaId: data.areaId } : {}),
    ...(typeof data.category === "string" ? { category: data.category } : {}),
    ...(photoIdIn(data) !== undefined ? { photoId: photoIdIn(data) } : {}),
  };
}

/** Words that say something about an idea: lower-case, at least four letters. */
export function significantWords(text: string): string[] {
  return [...new Set(text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 4))];
}

/** Public ideas sharing the most significant words with the draft, best first. */
export async function similarIdeas(deps: IdeasDeps, title: string, description: string, limit = 3): Promise<Idea[]> {
  const words = significantWords(`${title} ${description}`);
  if (words.length === 0) return [];
  const candidates = await deps.ideas.publicMatching(words.slice(0, 20), 50);
  const scored = candidates.map((idea) => {
    const own = new Set(significantWords(`${idea.title} ${idea.description}`));
    return { idea, score: words.filter((w) => own.has(w)).length };
  });
  // Two shared words (or one for a one-word title) keep common words from matching everything.
  const needed = Math.min(2, words.length);
  return scored
    .filter((s) => s.score >= needed)
    .sort((a, b) => b.score - a.score || b.idea.supportCount - a.idea.supportCount)
    .slice(0, limit)
    .map((s) => s.idea);
}

/** Refuses blocked residents and those over the daily limit, with a clear answer; true when refused. */
export async function refuseSubmission(deps: IdeasDeps, turn: Turn): Promise<boolean> {
  if (turn.resident.blockedAt) {
    turn.leave();
    turn.say("ideas:blocked");
    return true;
  }
  const since = new Date(deps.clock.now().getTime() - DAY_MS);
  const count = await deps.ideas.countByAuthorSince(turn.resident.id, since);
  if (count >= deps.config.submissionsPerDay) {
    turn.leave();
    turn.say("ideas:daily-limit", { count: deps.config.submissionsPerDay });
    return true;
  }
  return false;
}

/** The submit flow: title → description → area → category → optional photo → similar ideas → send. */
export function createSubmitFlow(deps: IdeasDeps) {
  const { config } = deps;

  async function start(turn: Turn): Promise<void> {
    if (await refuseSubmission(deps, turn)) return;
    turn.enter(IDEAS_FLOW, "title");
    turn.say("ideas:ask-title", { min: config.titleMin, max: config.titleMax }, [cancelRow(turn)]);
  }

  async function askArea(turn: Turn, draft: Draft, edit = false): Promise<void> {
    turn.enter(IDEAS_FLOW, "area", { ...draft, ...(edit ? { editing: true } : {}) });
    const home = turn.resident.homeAreaId;
    const rows: Choice[][] = [];
    if (home !== null) rows.push([{ label: await areaName(deps, home, turn.locale), action: `ideas:area:${home}` }]);
    rows.push([{ label: turn.t("ideas:other-area"), action: "ideas:areas" }], ...(edit ? editRows(turn) : [cancelRow(turn)]));
    turn.say("ideas:ask-area", {}, rows);
  }

  async function listAreas(turn: Turn): Promise<void> {
    const areas = selectableAreas(await deps.areas.list());
    const choices = areas.map((a) => ({ label: a.name, action: `ideas:area:${a.id}` }));
    turn.say("ideas:ask-area", {}, [...choiceRows(choices, 2), ...(editing(turn) ? editRows(turn) : [cancelRow(turn)])]);
  }

  function askCategory(turn: Turn, draft: Draft, edit: boolean): void {
    turn.enter(IDEAS_FLOW, "category", { ...draft, ...(edit ? { editing: true } : {}) });
    const choices = config.categories.map((c) => ({ label: turn.t(`ideas:category-${c}`), action: `ideas:cat:${c}` }));
    turn.say("ideas:ask-category", {}, [...choiceRows(choices, 2), ...(edit ? editRows(turn) : [cancelRow(turn)])]);
  }

  /**
   * From the preview, changes one part of the draft; everything else (the photo too) stays, and
   * the answer leads back to the preview. "back" shows the preview again unchanged.
   */
  async function edit(turn: Turn, part: string | undefined): Promise<void> {
    const draft = draftOf(turn);
    const fromEdit = editing(turn);
    if ((turn.state.step !== "confirm" && !fromEdit) || !draft.title || !draft.description || !draft.category) {
      turn.say("common:stale-action");
      return;
    }
    switch (part) {
      case "back":
        return confirm(turn, draft);
      case "title":
        turn.enter(IDEAS_FLOW, "title", { ...draft, editing: true });
        turn.say("ideas:ask-new-title", { min: config.titleMin, max: config.titleMax, title: draft.title }, editRows(turn));
        return;
      case "text":
        turn.enter(IDEAS_FLOW, "description", { ...draft, editing: true });
        turn.say("ideas:ask-new-description", { min: config.descriptionMin, max: config.descriptionMax }, editRows(turn));
        return;
      case "area":
        return askArea(turn, draft, true);
      case "cat":
        return askCategory(turn, draft, true);
      default:
        turn.say("common:stale-action");
    }
  }

  async function handleText(turn: Turn, text: string): Promise<void> {
    const draft = draftOf(turn);
    const value = text.trim();
    if (turn.state.step === "title") {
      if (value.length < config.titleMin || value.length > config.titleMax) {
        turn.say("ideas:title-length", { min: config.titleMin, max: config.titleMax, length: value.length }, editing(turn) ? editRows(turn) : [cancelRow(turn)]);
        return;
      }
      if (editing(turn)) return confirm(turn, { ...draft, title: value });
      turn.enter(IDEAS_FLOW, "description", { title: value });
      turn.say("ideas:ask-description", { min: config.descriptionMin, max: config.descriptionMax }, [cancelRow(turn)]);
    } else if (turn.state.step === "description") {
      if (value.length < config.descriptionMin || value.length > config.descriptionMax) {
        turn.say(
          "ideas:description-length",
          { min: config.descriptionMin, max: config.descriptionMax, length: value.length },
          editing(turn) ? editRows(turn) : [cancelRow(turn)],
        );
        return;
      }
      if (editing(turn)) return confirm(turn, { ...draft, description: value });
      await askArea(turn, { ...draft, description: value });
    } else if (turn.state.step === "photo") {
      askForPhoto(turn, "ideas:ask-photo", {}, photoChoices(turn));
    } else {
      turn.say("ideas:pick-option", {}, [cancelRow(turn)]);
    }
  }

  async function chooseArea(turn: Turn, argument: string | undefined): Promise<void> {
    const draft = draftOf(turn);
    const area = selectableAreas(await deps.areas.list()).find((a) => a.id === Number(argument));
    if (turn.state.step !== "area" || !area) {
      turn.say("common:stale-action");
      return;
    }
    if (editing(turn)) return confirm(turn, { ...draft, areaId: area.id });
    askCategory(turn, { ...draft, areaId: area.id }, false);
  }

  async function chooseCategory(turn: Turn, category: string | undefined): Promise<void> {
    const draft = draftOf(turn);
    if (turn.state.step !== "category" || !category || !config.categories.includes(category) || !draft.title || !draft.description) {
      turn.say("common:stale-action");
      return;
    }
    if (editing(turn)) return confirm(turn, { ...draft, category });
    turn.enter(IDEAS_FLOW, "photo", { ...draft, category });
    askForPhoto(turn, "ideas:ask-photo", {}, photoChoices(turn));
  }

  const photoChoices = (turn: Turn): Choice[][] => [[{ label: turn.t("ideas:without-photo"), action: "ideas:nophoto" }], cancelRow(turn)];

  async function handlePhoto(turn: Turn, photo: InboundPhoto): Promise<void> {
    if (turn.state.step !== "photo") {
      // Not kept for later: the resident would not know it is attached until the preview.
      const early = turn.state.step === "title" || turn.state.step === "description" || turn.state.step === "area" || turn.state.step === "category";
      turn.say(early ? "ideas:photo-not-now" : "common:photo-not-expected");
      return;
    }
    const photoId = await keepPhoto(deps.photos, turn, photo, photoChoices(turn));
    if (photoId !== undefined) await confirm(turn, { ...draftOf(turn), photoId });
  }

  async function skipPhoto(turn: Turn): Promise<void> {
    if (turn.state.step !== "photo") {
      turn.say("common:stale-action");
      return;
    }
    await confirm(turn, draftOf(turn));
  }

  async function confirm(turn: Turn, draft: Draft): Promise<void> {
    if (!draft.title || !draft.description || !draft.category) {
      turn.say("common:stale-action");
      return;
    }
    turn.enter(IDEAS_FLOW, "confirm", { ...draft });
    const image = await imageOf(deps.photos, draft.photoId, turn.t("ideas:photo-alt", { title: draft.title }));
    const withImage = image ? { image } : {};
    const similar = await similarIdeas(deps, draft.title, draft.description);
    const send = [
      { label: turn.t("ideas:send"), action: "ideas:send" },
      { label: turn.t("ideas:cancel"), action: "ideas:cancel" },
    ];
    // A wrong category, place, title or text is fixed here instead of starting over.
    const change: Choice[][] = [
      [
        { label: turn.t("ideas:edit-title"), action: "ideas:edit:title" },
        { label: turn.t("ideas:edit-text"), action: "ideas:edit:text" },
      ],
      [
        { label: turn.t("ideas:edit-area"), action: "ideas:edit:area" },
        { label: turn.t("ideas:edit-category"), action: "ideas:edit:cat" },
      ],
    ];
    if (similar.length > 0) {
      const rows = similar.map((idea) => [
        { label: turn.label("ideas:support-instead", { id: idea.id, title: idea.title }), action: `ideas:sup:${idea.id}` },
      ]);
      const list = similar
        .map((idea) => turn.t("ideas:similar-line", { id: idea.id, title: idea.title, count: idea.supportCount }))
        .join("\n");
      turn.reply({ html: `${turn.t("ideas:similar-found")}\n${list}`, choices: [...rows, send, ...change], ...withImage });
      return;
    }
    const preview = turn.t("ideas:preview", {
      title: draft.title,
      description: draft.description,
      area: await areaName(deps, draft.areaId ?? null, turn.locale),
      category: turn.t(`ideas:category-${draft.category}`),
    });
    turn.reply({ html: preview, choices: [send, ...change], ...withImage });
  }

  async function send(turn: Turn): Promise<void> {
    const draft = draftOf(turn);
    if (turn.state.step !== "confirm" || !draft.title || !draft.description || !draft.category) {
      turn.say("common:stale-action");
      return;
    }
    if (await refuseSubmission(deps, turn)) return;
    const photo = await storedPhoto(deps.photos, draft.photoId);
    const idea = await deps.ideas.create(
      {
        title: draft.title,
        description: draft.description,
        areaId: draft.areaId ?? null,
        category: draft.category,
        authorId: turn.resident.id,
        photoId: photo?.id ?? null,
        createdAt: deps.clock.now(),
      },
      actorOf(turn),
    );
    turn.leave();
    const place = idea.areaId === null ? null : ((await deps.areas.get(idea.areaId))?.name ?? null);
    await toModerators(deps, idea.areaId, `idea:${idea.id}:submitted`, (locale) => moderationCard(deps, idea, place, locale, photo));
    turn.say("ideas:submitted", { id: idea.id, title: idea.title }, [
      [{ label: turn.t("ideas:title"), action: "ideas:open" }],
    ]);
  }

  return {
    start,
    handleText,
    listAreas,
    chooseArea,
    chooseCategory,
    edit,
    handlePhoto,
    skipPhoto,
    send,
  };
}
