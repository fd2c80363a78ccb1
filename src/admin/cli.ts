/**
 * The admin command line: `npm run admin -- <group> <command> [arguments] [--options]`.
 * It opens the same database as the bot (DATABASE_URL or the embedded one in MITREDEN_DATA_DIR);
 * with the embedded database the bot must be stopped first, because only one process may open it.
 */
import { parseArgs } from "node:util";
import { userInfo } from "node:os";
import { ConfigError, loadConfig } from "../config.js";
import { DEFAULT_LOCALE, matchLocale, type Locale } from "../core/model/locale.js";
import { htmlToPlain } from "../core/render/plain-text.js";
import { formatMoment, formatShortDay } from "../core/render/format-date.js";
import { cleanText } from "../core/text/clean-text.js";
import { createTranslator } from "../i18n/translator.js";
import { createLogger } from "../logger.js";
import { openDatabase } from "../storage/database.js";
import { exampleSeedWanted, seedExampleIfEmpty } from "../storage/seed-example.js";
import { AdminError } from "./admin-error.js";
import { addArea, listAreas, moveArea, removeArea, renameArea } from "./area-commands.js";
import { addInitiative, addManager, listInitiatives, setLogo, updateInitiative } from "./initiative-commands.js";
import { cliActorName, grantRole, listRoles, revokeRole } from "./role-commands.js";
import { appendAuditEntryAlone, verifyAuditChain } from "../storage/stores/audit-chain.js";
import { describeSurveyFileError, exportSurvey, importSurveyFile, SurveyFileError, writeSurveyResults } from "./survey-commands.js";
import { renderBarChart, renderBarChartSvg } from "../charts/bar-chart.js";
import type { TranslationValues } from "../core/ports/translator.js";
import { createPrismaAccess } from "../storage/prisma-access.js";
import { createSurveyStore } from "../storage/stores/survey-store.js";
import { createAreaStore } from "../storage/stores/area-store.js";
import { chmod, writeFile } from "node:fs/promises";
import { exportAuditLog } from "./audit-commands.js";
import { parseCsvDelimiter } from "../core/render/csv.js";
import { createAuditStore } from "../storage/stores/audit-store.js";
import type { PrismaClient } from "../storage/generated/prisma/client.js";
import { createQuarantineStore } from "../storage/stores/quarantine-store.js";
import { prettyPayload, quarantineId, quarantineLine, requireQuarantined } from "./quarantine-commands.js";
import { residentDeleteCommands } from "./resident-delete-command.js";
import { countsOf, exportResident, findResidents, showResident, type ResidentMatch } from "./resident-commands.js";
import { dataSummaryLines } from "../core/features/my-data.js";

type Options = Record<string, string | boolean | undefined>;
export interface AdminContext {
  readonly prisma: PrismaClient;
  readonly say: (key: string, values?: Record<string, string | number>) => void;
  /** A translation as plain text, for lines put together from several parts. */
  readonly text: (key: string, values?: Record<string, string | number>) => string;
  readonly print: (line: string) => void;
  readonly actor: string;
  readonly surveyTokenSecret: string | undefined;
  /** The language of the CLI's texts (MITREDEN_LOCALE or LANG), also of result files; default German. */
  readonly locale?: Locale;
  /** Dates for the admin's eyes: in the municipality's zone (TIME_ZONE) and the admin's locale format. */
  readonly dates: AdminDates;
}

/** How the command line writes a moment and a calendar day. */
export interface AdminDates {
  moment(date: Date): string;
  day(date: Date): string;
}
type Handler = (ctx: AdminContext, args: string[], options: Options) => Promise<void>;

const text = (value: string | boolean | undefined) => (typeof value === "string" ? value : undefined);

/** Records an admin's act on the command line in the audit log (after it succeeded). */
async function recordCli(ctx: AdminContext, action: string, targetType: string, targetId: string | number, reason: string | null): Promise<void> {
  await appendAuditEntryAlone(ctx.prisma, { actorIdentity: ctx.actor, actorName: cliActorName(ctx.actor), action, targetType, targetId: String(targetId), reason });
}

const COMMANDS: Record<string, Record<string, Handler>> = {
  area: {
    async list(ctx) {
      for (const row of await listAreas(ctx.prisma)) {
        const population = row.population === null ? "" : `  (${row.population})`;
        ctx.print(`${"  ".repeat(row.depth)}${row.slug}  ${row.name}${population}  · ${row.residents}`);
      }
    },
    async add(ctx, [slug, ...name], options) {
      if (!slug || name.length === 0) return ctx.say("admin:usage-area-add");
      const population = text(options["population"]);
      await addArea(ctx.prisma, { slug, name: name.join(" "), parent: text(options["parent"]), population: population ? Number(population) : undefined });
      ctx.say("admin:area-added", { slug });
    },
    async rename(ctx, [slug, ...name]) {
      if (!slug || name.length === 0) return ctx.say("admin:usage-area-rename");
      await renameArea(ctx.prisma, slug, name.join(" "));
      ctx.say("admin:area-renamed", { slug });
    },
    async move(ctx, [slug], options) {
      if (!slug || (!options["parent"] && !options["root"])) return ctx.say("admin:usage-area-move");
      await moveArea(ctx.prisma, slug, text(options["parent"]));
      ctx.say("admin:area-moved", { slug });
    },
    async remove(ctx, [slug]) {
      if (!slug) return ctx.say("admin:usage-area-remove");
      await removeArea(ctx.prisma, slug);
      ctx.say("admin:area-removed", { slug });
    },
    async seed(ctx) {
      ctx.say((await seedExampleIfEmpty(ctx.prisma)) ? "admin:seeded" : "admin:seed-skipped");
    },
  },
  role: {
    async list(ctx, [identity]) {
      const rows = await listRoles(ctx.prisma, identity);
      if (rows.length === 0) return ctx.say("admin:roles-none");
      for (const r of rows) ctx.print(`${r.identity}  ${r.role}  ${r.scope}  (${r.grantedBy}, ${ctx.dates.day(r.createdAt)})`);
    },
    async grant(ctx, [identity, role], options) {
      if (!identity || !role) return ctx.say("admin:usage-role-grant");
      const { created } = await grantRole(ctx.prisma, { identity, role, area: text(options["area"]), grantedBy: ctx.actor });
      ctx.say(created ? "admin:role-granted" : "admin:role-existed", { identity, role });
    },
    async revoke(ctx, [identity, role], options) {
      if (!identity || !role) return ctx.say("admin:usage-role-revoke");
      const { removed } = await revokeRole(ctx.prisma, { identity, role, area: text(options["area"]), revokedBy: ctx.actor });
      ctx.say("admin:role-revoked", { identity, role, count: removed });
    },
  },
};

/** --trusted / --untrusted; undefined when neither was given. */
function trustedOption(options: Options): boolean | undefined {
  if (options["trusted"] === true && options["untrusted"] === true) throw new AdminError("admin:initiative-trusted-both");
  return options["trusted"] === true ? true : options["untrusted"] === true ? false : undefined;
}

COMMANDS["initiative"] = {
  async list(ctx) {
    const rows = await listInitiatives(ctx.prisma);
    if (rows.length === 0) return ctx.say("admin:initiatives-none");
    for (const r of rows) {
      const flags = [r.areaSlug ?? "*", r.trusted ? "trusted" : "", r.hasLogo ? "logo" : ""].filter(Boolean).join(", ");
      const managers = r.managers.length > 0 ? `  · ${r.managers.join(", ")}` : "";
      ctx.print(`${r.slug}  ${r.name}  (${flags})${managers}`);
    }
  },
  async add(ctx, [slug, ...name], options) {
    const area = text(options["area"]);
    if (!slug || name.length === 0 || !area) return ctx.say("admin:usage-initiative-add");
    const added = await addInitiative(ctx.prisma, {
      slug,
      name: name.join(" "),
      area,
      description: text(options["description"]),
      contact: text(options["contact"]),
      link: text(options["link"]),
      trusted: trustedOption(options),
    });
    await recordCli(ctx, "initiative.add", "initiative", added.id, slug);
    ctx.say("admin:initiative-added", { slug });
  },
  async update(ctx, [slug], options) {
    if (!slug) return ctx.say("admin:usage-initiative-update");
    const changed = ["name", "area", "description", "contact", "link", "trusted", "untrusted"].filter((o) => options[o] !== undefined);
    const updated = await updateInitiative(ctx.prisma, slug, {
      name: text(options["name"]),
      area: text(options["area"]),
      description: text(options["description"]),
      contact: text(options["contact"]),
      link: text(options["link"]),
      trusted: trustedOption(options),
    });
    await recordCli(ctx, "initiative.update", "initiative", updated.id, changed.join(", "));
    ctx.say("admin:initiative-updated", { slug });
  },
  async manager(ctx, [slug, identity]) {
    if (!slug || !identity) return ctx.say("admin:usage-initiative-manager");
    const result = await addManager(ctx.prisma, { slug, identity, grantedBy: ctx.actor });
    if (result.created) await recordCli(ctx, "initiative.manager", "identity", result.identity, slug);
    ctx.say(result.created ? "admin:initiative-manager-added" : "admin:initiative-manager-existed", { slug, identity: result.identity });
  },
  async logo(ctx, [slug, file]) {
    if (!slug || !file) return ctx.say("admin:usage-initiative-logo");
    const bytes = await setLogo(ctx.prisma, slug, file);
    await recordCli(ctx, "initiative.logo", "initiative", slug, null);
    ctx.say("admin:initiative-logo-set", { slug, kb: Math.ceil(bytes / 1024) });
  },
};

/** Writes an export to --out (and says so) or, without it, to stdout for piping. */
async function deliverExport(ctx: AdminContext, content: string, out: string | undefined, doneKey: string): Promise<void> {
  if (!out) {
    ctx.print(content.replace(/\n$/, ""));
    return;
  }
  await writeFile(out, content);
  ctx.say(doneKey, { file: out });
}

function surveyDeps(ctx: AdminContext) {
  const access = createPrismaAccess(ctx.prisma);
  const surveys = createSurveyStore(access, ctx.surveyTokenSecret ? { tokenSecret: ctx.surveyTokenSecret } : {});
  return { surveys, areas: createAreaStore(access), unitOfWork: access };
}

COMMANDS["survey"] = {
  async import(ctx, [file]) {
    if (!file) return ctx.say("admin:usage-survey-import");
    const survey = await importSurveyFile(file, surveyDeps(ctx));
    await recordCli(ctx, "survey.import", "survey", survey.id, null);
    ctx.say("admin:survey-imported", { id: survey.id, count: survey.questions.length });
  },
  async export(ctx, [id], options) {
    const surveyId = Number(id);
    const format = text(options["format"]) ?? "csv";
    const delimiter = parseCsvDelimiter(text(options["delimiter"]));
    if (!Number.isInteger(surveyId) || (format !== "csv" && format !== "json") || !delimiter) return ctx.say("admin:usage-survey-export");
    await deliverExport(ctx, await exportSurvey(surveyId, format, surveyDeps(ctx), { delimiter }), text(options["out"]), "admin:survey-exported");
  },
  async results(ctx, [id], options) {
    const surveyId = Number(id);
    const dir = text(options["out"]);
    const delimiter = parseCsvDelimiter(text(options["delimiter"]));
    if (!Number.isInteger(surveyId) || !dir || !delimiter) return ctx.say("admin:usage-survey-results");
    const charts = { render: renderBarChart, renderSvg: renderBarChartSvg };
    const translator = await createTranslator();
    const locale = ctx.locale ?? DEFAULT_LOCALE;
    const t = (key: string, values?: TranslationValues) => translator.t(locale, key, values);
    const paths = await writeSurveyResults(surveyId, dir, { ...surveyDeps(ctx), locale, t, charts, delimiter });
    ctx.say("admin:survey-results-written", { id: surveyId, dir, count: paths.length });
    for (const path of paths) ctx.print(`  ${path}`);
  },
};

COMMANDS["audit"] = {
  async export(ctx, _args, options) {
    const format = text(options["format"]) ?? "csv";
    const delimiter = parseCsvDelimiter(text(options["delimiter"]));
    if ((format !== "csv" && format !== "json") || !delimiter) return ctx.say("admin:usage-audit-export");
    const content = await exportAuditLog(createAuditStore(createPrismaAccess(ctx.prisma)), format, { delimiter });
    await deliverExport(ctx, content, text(options["out"]), "admin:audit-exported");
  },
  /** Walks the hash chain; a break is an error (exit code 1) naming the entry and its time. */
  async verify(ctx, _args, options) {
    const head = text(options["head"]);
    const result = await verifyAuditChain(ctx.prisma, head ? { head } : {});
    if (!result.ok) {
      const time = result.createdAt ? ctx.dates.moment(result.createdAt) : "";
      throw new AdminError(`admin:audit-${result.problem}`, { id: result.id ?? 0, time });
    }
    if (result.unchained > 0) ctx.say("admin:audit-unchained", { count: result.unchained });
    if (!result.head) return ctx.say("admin:audit-empty");
    ctx.say("admin:audit-whole", { count: result.count, seq: result.head.seq, hash: result.head.hash });
    if (result.erased > 0) ctx.say("admin:audit-erased", { count: result.erased });
  },
};

const quarantineStore = (ctx: AdminContext) => createQuarantineStore(createPrismaAccess(ctx.prisma));

COMMANDS["quarantine"] = {
  async list(ctx, _args, options) {
    const limitText = text(options["limit"]);
    const limit = limitText === undefined ? 50 : Number(limitText);
    if (!Number.isSafeInteger(limit) || limit <= 0) return ctx.say("admin:usage-quarantine-list");
    const rows = await quarantineStore(ctx).list(limit);
    if (rows.length === 0) return ctx.say("admin:quarantine-none");
    ctx.say("admin:quarantine-header");
    for (const row of rows) ctx.print(quarantineLine(row, ctx.dates));
  },
  async show(ctx, [id]) {
    if (!id) return ctx.say("admin:usage-quarantine-show");
    const row = await requireQuarantined(quarantineStore(ctx), id);
    const { channel, instance, eventId, reason } = row;
    ctx.say("admin:quarantine-details", { id: row.id, channel, instance, eventId, reason, time: ctx.dates.moment(row.createdAt) });
    ctx.print(prettyPayload(row.payload));
  },
  async drop(ctx, [id]) {
    if (!id) return ctx.say("admin:usage-quarantine-drop");
    if (!(await quarantineStore(ctx).drop(quarantineId(id)))) throw new AdminError("admin:quarantine-not-found", { id });
    ctx.say("admin:quarantine-dropped", { id });
  },
};

/** A calendar day of a stored value (a Date or, in an export's JSON, its ISO text); "–" for none. */
const dayOf = (dates: AdminDates) => (date: Date | string | null | undefined): string => (date ? dates.day(new Date(date)) : "–");

/** One found resident: "#7  telegram:4711 “Anna”, matrix:@anna:example.org  · en · Hammah · 01.11.2026  (name)". */
function residentLine(r: ResidentMatch, day: (date: Date) => string): string {
  const identities = r.identities.map((i) => (i.displayName ? `${i.id} “${i.displayName}”` : i.id)).join(", ");
  return `#${r.id}  ${identities}  · ${r.language ?? "–"} · ${r.village ?? "–"} · ${day(r.createdAt)}  (${r.matchedBy.join(", ")})`;
}

COMMANDS["resident"] = {
  async find(ctx, words) {
    const query = words.join(" ").trim();
    if (!query) return ctx.say("admin:usage-resident");
    const found = await findResidents(ctx.prisma, query, { identity: ctx.actor });
    if (found.length === 0) return ctx.say("admin:resident-none", { query });
    for (const r of found) ctx.print(residentLine(r, ctx.dates.day));
  },
  async show(ctx, [id]) {
    if (!id) return ctx.say("admin:usage-resident");
    const data = await showResident(ctx.prisma, id, { identity: ctx.actor }, new Date());
    const day = dayOf(ctx.dates);
    const r = data.resident as Record<string, string | number | null | { name: string }>;
    const village = typeof r["village"] === "object" && r["village"] !== null ? r["village"].name : "–";
    ctx.say("admin:resident-show-header", { id: String(r["id"]), since: day(r["createdAt"] as string), language: String(r["language"] ?? "–"), village });
    if (r["blockedAt"]) ctx.say("admin:resident-show-blocked", { since: day(r["blockedAt"] as string), reason: String(r["blockedReason"] ?? "–") });
    ctx.say("admin:resident-show-identities");
    for (const i of data.identities as Record<string, string | null>[]) {
      ctx.print(`  ${i["id"]}  ${i["displayName"] ? `“${i["displayName"]}”` : "–"}  ${ctx.text("admin:resident-show-seen", { first: day(i["firstSeenAt"]), last: day(i["lastSeenAt"]) })}`);
    }
    ctx.say("admin:resident-show-stored");
    for (const line of dataSummaryLines((key, values) => ctx.text(key, values as Record<string, string | number>), countsOf(data))) ctx.print(`  ${line}`);
    ctx.say("admin:resident-show-export", { id: String(r["id"]) });
  },
  async export(ctx, [id], options) {
    const out = text(options["out"]);
    if (!id || !out) return ctx.say("admin:usage-resident");
    const { file } = await exportResident(ctx.prisma, id, { identity: ctx.actor }, new Date(), async (json) => {
      // Personal data: readable by the office's user only (also when an earlier file is replaced).
      await writeFile(out, json, { mode: 0o600 });
      await chmod(out, 0o600);
      return out;
    });
    ctx.say("admin:resident-exported", { id, file });
  },
};

/** Groups with their own usage text, shown for a verb they do not know. */
const GROUP_USAGE: Record<string, string> = { resident: "admin:usage-resident" };

/** Lets later capabilities (surveys, audit log, …) add their command groups. */
export function registerAdminCommands(group: string, handlers: Record<string, Handler>): void {
  COMMANDS[group] = { ...(COMMANDS[group] ?? {}), ...handlers };
}

registerAdminCommands("resident", residentDeleteCommands);

export async function runAdmin(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    // Names and descriptions typed here end up in the database and in residents' chats.
    args: argv.map(cleanText),
    allowPositionals: true,
    strict: false,
    options: { parent: { type: "string" }, root: { type: "boolean" }, population: { type: "string" }, area: { type: "string" }, format: { type: "string" }, out: { type: "string" }, delimiter: { type: "string" }, head: { type: "string" }, limit: { type: "string" },
      // initiative add/update
      name: { type: "string" }, description: { type: "string" }, contact: { type: "string" }, link: { type: "string" },
      trusted: { type: "boolean" }, untrusted: { type: "boolean" } },
  });
  const translator = await createTranslator();
  const locale = matchLocale(process.env["MITREDEN_LOCALE"] ?? process.env["LANG"]) ?? DEFAULT_LOCALE;
  const print = (line: string) => void process.stdout.write(`${line}\n`);
  const plain = (key: string, vals?: Record<string, string | number>) => htmlToPlain(translator.t(locale, key, vals));
  const say = (key: string, vals?: Record<string, string | number>) => print(plain(key, vals));
  const [group, command, ...args] = positionals;
  const handler = group && command ? COMMANDS[group]?.[command] : undefined;
  if (!handler) {
    say((group && GROUP_USAGE[group]) || "admin:usage");
    return group ? 2 : 0;
  }
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel === "info" ? "warn" : config.logLevel, file: config.logFile });
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger, connectTimeoutMs: config.databaseConnectTimeoutMs });
  try {
    // The same rule as `npm start`, so the README's first commands work on a fresh embedded folder.
    // Area commands are left alone: whoever manages the areas builds the tree they want.
    if (group !== "area" && exampleSeedWanted(config) && (await seedExampleIfEmpty(db.prisma))) {
      process.stderr.write(`${plain("admin:seeded-auto")}\n`);
    }
    await handler(
      {
        prisma: db.prisma,
        say,
        text: plain,
        print,
        actor: `cli:${userInfo().username}`,
        surveyTokenSecret: config.surveyTokenSecret,
        locale,
        dates: { moment: (date) => formatMoment(date, locale, config.timeZone), day: (date) => formatShortDay(date, locale, config.timeZone) },
      },
      args,
      values,
    );
    return 0;
  } catch (error) {
    if (error instanceof AdminError) {
      process.stderr.write(`${plain(error.key, error.values)}\n`);
      return 1;
    }
    if (error instanceof SurveyFileError) {
      process.stderr.write(`${plain("admin:survey-file-invalid", { problems: describeSurveyFileError(error, plain) })}\n`);
      return 1;
    }
    throw error;
  } finally {
    await db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runAdmin(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`mitreden admin: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
