import { SUPPORTED_LOCALES } from "../model/locale.js";
import type { Area } from "../model/resident.js";
import type { Choice } from "../model/outbound-message.js";
import type { Turn } from "../conversation/turn.js";
import { selectableAreas } from "../model/area-tree.js";
import { choiceRows } from "../render/choice-rows.js";

/** Language names are shown in their own language, so anyone can find theirs. */
export function languageChoices(turn: Turn, actionPrefix: string): Choice[][] {
  return choiceRows(
    SUPPORTED_LOCALES.map((locale) => ({ label: turn.t(`common:language-name-${locale}`), action: `${actionPrefix}:${locale}` })),
    2,
  );
}

/** Villages first, then the whole municipality, two per row. */
export function areaChoices(areas: readonly Area[], actionPrefix: string): Choice[][] {
  return choiceRows(
    selectableAreas(areas).map((area) => ({ label: area.name, action: `${actionPrefix}:${area.id}` })),
    2,
  );
}

/** The area id from an action argument, if it names a selectable area. */
export function pickArea(areas: readonly Area[], argument: string | undefined): Area | undefined {
  const id = Number(argument);
  return Number.isInteger(id) ? selectableAreas(areas).find((a) => a.id === id) : undefined;
}
