import type { Turn } from "../../conversation/turn.js";
import type { Locale } from "../../model/locale.js";
import type { Area } from "../../model/resident.js";
import type { Survey } from "../../model/survey.js";
import type { Clock } from "../../ports/clock.js";
import type { Publisher } from "../../ports/publisher.js";
import type { AreaStore } from "../../ports/stores.js";
import type { SurveyStore } from "../../ports/survey-store.js";
import type { Translator } from "../../ports/translator.js";
import type { AuditStore } from "../ideas/idea-ports.js";

/**
 * Draws a bar chart as PNG. The app passes `renderBarChart` from src/charts; the core only knows
 * this shape, so it stays free of the rendering libraries.
 *
 * @example
 * const charts: ChartRenderer = { render: renderBarChart, renderSvg: renderBarChartSvg };
 */
export interface ChartRenderer {
  render(input: {
    readonly title: string;
    readonly bars: readonly { readonly label: string; readonly count: number }[];
    readonly valueLabel?: (bar: { readonly label: string; readonly count: number }, total: number) => string;
    readonly locale: string;
  }): Promise<Uint8Array>;
  /** The same chart as SVG text (`renderBarChartSvg`); without it result files carry PNG only. */
  renderSvg?(input: Parameters<ChartRenderer["render"]>[0]): Promise<string>;
}

export interface SurveysDeps {
  readonly surveys: SurveyStore;
  readonly areas: AreaStore;
  /** Writes the "surveys" feed announcement into the outbox when a survey opens. */
  readonly publisher: Publisher;
  readonly translator: Translator;
  readonly clock: Clock;
  readonly charts: ChartRenderer;
  /** Who sees named (non-anonymous) answers, shown in the survey's privacy note. */
  readonly organiser: string;
  /** How long an admin's "close and publish" / "open early" question may be confirmed (default 10 minutes). */
  readonly confirmWithinMs?: number;
  /** The municipality's time zone (TIME_ZONE), for close dates. */
  readonly timeZone: string;
  /** Where the admins' acts (open, close, publish, publish a text) are recorded. */
  readonly audit: Pick<AuditStore, "record">;
}

export const SURVEYS_FEATURE = "surveys";

/** The ids of an area and all its ancestors. */
export function lineageIds(areas: readonly Area[], areaId: number | null): number[] {
  const byId = new Map(areas.map((a) => [a.id, a]));
  const ids: number[] = [];
  let current = areaId === null ? undefined : byId.get(areaId);
  while (current && ids.length < 32) {
    ids.push(current.id);
    current = current.parentId === null ? undefined : byId.get(current.parentId);
  }
  return ids;
}

/** Whether residents may see the results now. */
export function resultsVisible(survey: Survey): boolean {
  return survey.status === "published" || (survey.liveResults && (survey.status === "open" || survey.status === "closed"));
}

/** Parses an id typed after a command or carried in an action. */
export function parseId(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^\d{1,9}$/.test(raw.trim())) return undefined;
  return Number(raw.trim());
}

/** Whether the resident lives where the survey applies (surveys without area apply everywhere). */
export async function appliesTo(deps: SurveysDeps, survey: Survey, turn: Turn): Promise<boolean> {
  if (survey.areaId === null) return true;
  return lineageIds(await deps.areas.list(), turn.resident.homeAreaId).includes(survey.areaId);
}
