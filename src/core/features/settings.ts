import type { Feature } from "../conversation/feature.js";
import type { Turn } from "../conversation/turn.js";
import { isLocale } from "../model/locale.js";
import type { AreaStore, ResidentStore } from "../ports/stores.js";
import { areaChoices, languageChoices, pickArea } from "./preference-choices.js";

export interface SettingsDeps {
  readonly residents: ResidentStore;
  readonly areas: AreaStore;
}

const back = (turn: Turn) => [{ label: turn.t("menu:back"), action: "menu:open" }];

/** Language, home area, the privacy notice and linking another messenger. */
export function createSettingsFeature(deps: SettingsDeps): Feature {
  async function overview(turn: Turn): Promise<void> {
    turn.leave();
    const area = turn.resident.homeAreaId === null ? undefined : await deps.areas.get(turn.resident.homeAreaId);
    // Undoing a link is offered only where there is one.
    const linked = (await deps.residents.identitiesOf(turn.resident.id)).length > 1;
    turn.say(
      "settings:overview",
      { language: turn.t(`common:language-name-${turn.locale}`), area: area?.name ?? turn.t("settings:no-area") },
      [
        [
          { label: turn.t("settings:change-language"), action: "settings:lang" },
          { label: turn.t("settings:change-area"), action: "settings:area" },
        ],
        [
          { label: turn.t("settings:privacy"), action: "privacy:open" },
          { label: turn.t("settings:link"), action: "link:start" },
        ],
        ...(linked ? [[{ label: turn.t("settings:unlink"), action: "link:unlink" }]] : []),
        back(turn),
      ],
    );
  }

  return {
    id: "settings",
    menuEntries: [{ order: 50, labelKey: "menu:settings", action: "settings:open" }],
    commands: [
      { name: "settings", scope: "private", descriptionKey: "settings:command", run: (turn) => overview(turn) },
      {
        name: "language",
        scope: "private",
        descriptionKey: "settings:command-language",
        run: async (turn) => turn.say("settings:choose-language", {}, languageChoices(turn, "settings:lang")),
      },
    ],
    async handleAction(turn, verb, args) {
      if (verb === "lang" && args[0] === undefined) {
        turn.say("settings:choose-language", {}, languageChoices(turn, "settings:lang"));
      } else if (verb === "lang" && isLocale(args[0])) {
        turn.setResident(await deps.residents.update(turn.resident.id, { locale: args[0] }));
        turn.say("settings:language-changed", { language: turn.t(`common:language-name-${args[0]}`) });
        await overview(turn);
      } else if (verb === "area" && args[0] === undefined) {
        turn.say("settings:choose-area", {}, areaChoices(await deps.areas.list(), "settings:area"));
      } else if (verb === "area") {
        const area = pickArea(await deps.areas.list(), args[0]);
        if (!area) {
          turn.say("common:stale-action");
          return;
        }
        turn.setResident(await deps.residents.update(turn.resident.id, { homeAreaId: area.id }));
        turn.say("settings:area-changed", { area: area.name });
        await overview(turn);
      } else if (verb === "privacy") {
        // The privacy screen has its own feature; this verb stays for buttons sent before it had.
        await turn.dispatch("privacy:open");
      } else if (verb === "open") {
        await overview(turn);
      } else {
        turn.say("common:stale-action");
      }
    },
  };
}
