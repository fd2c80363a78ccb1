import type { Feature } from "../../conversation/feature.js";
import type { Turn } from "../../conversation/turn.js";
import { parseId } from "./access.js";
import { PATH_PAGES, createBrowse } from "./browse.js";
import type { IdeasDeps } from "./ideas-deps.js";
import { createParticipation } from "./participation.js";
import { createSubmitFlow, IDEAS_FLOW } from "./submit-flow.js";

/** Residents' side of ideas: submit, the proposal list, an idea's page, support, follow, report. */
export function createIdeasFeature(deps: IdeasDeps): Feature {
  const submit = createSubmitFlow(deps);
  const browse = createBrowse(deps);
  const participation = createParticipation(deps);

  function overview(turn: Turn): void {
    turn.leave();
    turn.say("ideas:overview", {}, [
      [{ label: turn.t("ideas:new"), action: "ideas:new" }],
      [
        { label: turn.t("ideas:list-new-button"), action: "ideas:list:n:0" },
        { label: turn.t("ideas:list-top-button"), action: "ideas:list:t:0" },
      ],
      [{ label: turn.t("menu:back"), action: "menu:open" }],
    ]);
  }

  return {
    id: IDEAS_FLOW,
    menuEntries: [{ order: 20, labelKey: "menu:ideas", action: "ideas:open" }],
    commands: [
      { name: "ideas", scope: "private", descriptionKey: "ideas:command", audience: "resident", run: async (turn) => overview(turn) },
      { name: "idea", scope: "private", descriptionKey: "ideas:command-new", audience: "resident", run: (turn) => submit.start(turn) },
    ],
    deepLinks: { idea: (turn, argument) => browse.show(turn, parseId(argument)) },
    contributions: ["new", "send", "sup", "fol", "rep", "repx"],
    async handleAction(turn, verb, args) {
      const id = parseId(args[0]);
      switch (verb) {
        case "open":
          return overview(turn);
        case "new":
          return submit.start(turn);
        case "cancel":
          turn.leave();
          turn.say("ideas:cancelled");
          return overview(turn);
        case "areas":
          return submit.listAreas(turn);
        case "area":
          return submit.chooseArea(turn, args[0]);
        case "cat":
          return submit.chooseCategory(turn, args[0]);
        case "edit":
          return submit.edit(turn, args[0]);
        case "nophoto":
          return submit.skipPhoto(turn);
        case "send":
          return submit.send(turn);
        case "list":
          return browse.list(turn, args[0] === "t" ? "top" : "new", Math.max(0, Math.min(1000, Number(args[1]) || 0)));
        case "show":
          return browse.show(turn, id);
        case PATH_PAGES.verb: {
          const request = PATH_PAGES.parse(verb, args);
          return request ? browse.show(turn, parseId(request.keys[0]), request.page) : turn.say("common:stale-action");
        }
        case "sup":
          return participation.support(turn, id);
        case "unsup":
          return participation.withdrawSupport(turn, id);
        case "fol":
          return participation.follow(turn, id, true);
        case "unf":
          return participation.follow(turn, id, false);
        case "rep":
          return participation.askReportReason(turn, id);
        case "repx":
          return participation.report(turn, id, null);
        default:
          turn.say("common:stale-action");
      }
    },
    async handleText(turn, text) {
      if (turn.state.step === "report") {
        const ideaId = turn.state.data.ideaId;
        return participation.report(turn, typeof ideaId === "number" ? ideaId : undefined, text.trim() || null);
      }
      return submit.handleText(turn, text);
    },
    handlePhoto: (turn, photo) => submit.handlePhoto(turn, photo),
  };
}
