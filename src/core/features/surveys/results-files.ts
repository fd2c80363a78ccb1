import type { Locale } from "../../model/locale.js";
import type { OutboundFile } from "../../model/outbound-message.js";
import { localized, type Survey, type SurveyQuestion } from "../../model/survey.js";
import type { QuestionResult, SurveyResults } from "../../ports/survey-store.js";
import type { TranslationValues } from "../../ports/translator.js";
import { DEFAULT_CSV_DELIMITER, toCsv, type CsvDelimiter } from "../../render/csv.js";
import { htmlToPlain } from "../../render/plain-text.js";
import { barsOf } from "./survey-results.js";
import type { ChartRenderer } from "./survey-deps.js";

/** What the result files are written with: translations in one language and the messengers' chart code. */
export interface ResultsFileContext {
  readonly locale: Locale;
  readonly t: (key: string, values?: TranslationValues) => string;
  readonly charts: ChartRenderer;
  readonly delimiter?: CsvDelimiter;
}

type Bar = { readonly label: string; readonly count: number };

/** "12 (40 %)": the share of those who answered the question, as the messengers' charts and texts show it. */
export function shareFormatter(locale: string): (count: number, of: number) => string {
  const percent = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 });
  return (count, of) => (of > 0 ? percent.format(count / of) : percent.format(0));
}

/**
 * The chart of one question exactly as the messengers draw it: the question as title, one bar per
 * answer, "count (share)" at each bar.
 */
export function chartInput(locale: Locale, question: SurveyQuestion, bars: readonly Bar[], respondents: number) {
  const share = shareFormatter(locale);
  return {
    title: localized(question.text, locale),
    bars,
    // Shares of those who answered, like the text (multiple choice adds up to more than 100 %).
    valueLabel: (bar: Bar) => `${bar.count} (${share(bar.count, respondents)})`,
    locale,
  };
}

const encoder = new TextEncoder();
const file = (fileName: string, mimeType: string, content: string | Uint8Array): OutboundFile => ({
  fileName,
  mimeType,
  bytes: typeof content === "string" ? encoder.encode(content) : content,
});

/** A Markdown table cell: no line breaks, and "|" escaped. */
const mdCell = (value: string) => value.replace(/\s*[\r\n]+\s*/g, " ").replace(/\|/g, "\\|");

/**
 * The results of a survey as files for the newsletter or the council's papers: per question with
 * answers to count a chart as PNG and SVG and the numbers as CSV, and one Markdown file with every
 * question's numbers (free texts only where an admin published them). The same numbers and charts
 * the messengers show.
 *
 * @example
 * const files = await resultsFiles({ locale: "de", t: (k, v) => translator.t("de", k, v), charts }, survey, await store.results(survey));
 * // survey-3-q1.png, survey-3-q1.svg, survey-3-q1.csv, …, survey-3-results.md
 */
export async function resultsFiles(context: ResultsFileContext, survey: Survey, results: SurveyResults): Promise<OutboundFile[]> {
  const { locale, t, charts } = context;
  const delimiter = context.delimiter ?? DEFAULT_CSV_DELIMITER;
  const text = { locale, t };
  const share = shareFormatter(locale);
  const decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 1, useGrouping: false });
  const title = localized(survey.title, locale);
  const stem = `survey-${survey.id}`;
  const files: OutboundFile[] = [];
  const md: string[] = [
    `# ${htmlToPlain(t("surveys:results-title-admin", { title, count: results.responses, status: t(`surveys:status-${survey.status}`) })).replace(/\n/g, "\n\n")}`,
  ];
  for (const question of survey.questions) {
    const result: QuestionResult | undefined = results.questions.find((r) => r.questionId === question.id);
    if (!result) continue;
    const number = question.position + 1;
    md.push("", `## ${number}. ${mdCell(localized(question.text, locale))}`, "", htmlToPlain(t("surveys:results-answered", { count: result.respondents })));
    const bars = barsOf(text, question, result);
    if (bars.length > 0) {
      const input = chartInput(locale, question, bars, result.respondents);
      files.push(file(`${stem}-q${number}.png`, "image/png", await charts.render(input)));
      if (charts.renderSvg) files.push(file(`${stem}-q${number}.svg`, "image/svg+xml", await charts.renderSvg(input)));
      const header = [t("surveys:export-answer"), t("surveys:export-count"), t("surveys:export-share")];
      const percent = (count: number) => decimal.format(result.respondents > 0 ? (100 * count) / result.respondents : 0);
      const rows = bars.map((bar) => [bar.label, String(bar.count), percent(bar.count)]);
      files.push(file(`${stem}-q${number}.csv`, "text/csv", toCsv([header, ...rows, [t("surveys:export-answered"), String(result.respondents), ""]], delimiter)));
      md.push("", `| ${header.map(mdCell).join(" | ")} |`, "|---|---:|---:|");
      for (const bar of bars) md.push(`| ${mdCell(bar.label)} | ${bar.count} | ${share(bar.count, result.respondents)} |`);
      if (question.type === "scale" && result.respondents > 0) {
        let sum = 0;
        for (const [value, count] of result.valueCounts) sum += value * count;
        md.push("", htmlToPlain(t("surveys:results-average", { average: decimal.format(sum / result.respondents) })));
      }
      md.push("", `![${mdCell(input.title)}](${stem}-q${number}.png)`);
    }
    const published = result.texts.filter((answer) => answer.published);
    if (published.length > 0) {
      md.push("");
      for (const answer of published) md.push(`- ${mdCell(answer.text)}`);
    }
  }
  files.push(file(`${stem}-results.md`, "text/markdown", `${md.join("\n")}\n`));
  return files;
}
