import type { Choice } from "../model/outbound-message.js";

/** Lays choices out in rows of `perRow` buttons, keeping their order. */
export function choiceRows(choices: readonly Choice[], perRow = 1): Choice[][] {
  const rows: Choice[][] = [];
  for (let i = 0; i < choices.length; i += perRow) rows.push(choices.slice(i, i + perRow));
  return rows;
}
