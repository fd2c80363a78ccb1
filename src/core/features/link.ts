import { randomInt } from "node:crypto";
import type { Feature } from "../conversation/feature.js";
import type { Turn } from "../conversation/turn.js";
import type { Choice } from "../model/outbound-message.js";
import type { RoleGrant } from "../model/role.js";
import type { Clock } from "../ports/clock.js";
import type { AreaStore, IdentitySummary, LinkStore, ResidentStore, RoleStore } from "../ports/stores.js";
import type { AuditStore } from "./ideas/idea-ports.js";
import { actorOf } from "./ideas/access.js";

export interface LinkDeps {
  readonly links: LinkStore;
  readonly residents: ResidentStore;
  readonly roles: RoleStore;
  readonly areas: AreaStore;
  /** Every link and unlink is recorded here. */
  readonly audit: Pick<AuditStore, "record">;
  readonly clock: Clock;
  /** How long a code stays valid. */
  readonly validForMs?: number;
  readonly generateCode?: () => string;
  /** Wrong codes one identity may type within `failureWindowMs` (default 5 per hour). */
  readonly maxFailures?: number;
  readonly failureWindowMs?: number;
}

// No 0/O or 1/I/L, so a code read from one screen and typed on another survives.
const ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const FEATURE = "link";

export function randomLinkCode(): string {
  let code = "";
  for (let i = 0; i < 8; i += 1) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/**
 * `/link` gives a one-time code; `/link CODE` sent from another messenger shows which account it
 * would join and which roles each side would gain, and joins the two into one resident only once
 * confirmed. Wrong codes are limited per identity, so a code cannot be guessed. `/unlink` (also in
 * Settings) takes the current messenger out again. Links and unlinks go to the audit log.
 */
export function createLinkFeature(deps: LinkDeps): Feature {
  const validForMs = deps.validForMs ?? 15 * 60_000;
  const generate = deps.generateCode ?? randomLinkCode;
  const maxFailures = deps.maxFailures ?? 5;
  const windowMs = deps.failureWindowMs ?? 60 * 60_000;

  const yesNo = (turn: Turn, yes: string, no: string): Choice[][] => [
    [
      { label: turn.label("link:confirm-button"), action: `${FEATURE}:${yes}` },
      { label: turn.label("link:cancel-button"), action: `${FEATURE}:${no}` },
    ],
  ];

  async function issue(turn: Turn): Promise<void> {
    const code = generate();
    await deps.links.issue(turn.resident.id, code, new Date(deps.clock.now().getTime() + validForMs));
    turn.say("link:code", { code, minutes: Math.round(validForMs / 60_000) });
  }

  /** "Telegram „Anna Müller“, Matrix „Anna“": what a person recognises, never a raw id. */
  function accountsText(turn: Turn, accounts: readonly IdentitySummary[]): string {
    return accounts
      .map((a) => turn.t("link:account", { messenger: turn.t(`link:channel-${a.channel}`), name: a.displayName ?? turn.t("link:no-name") }))
      .join(", ");
  }

  async function rolesText(turn: Turn, grants: readonly RoleGrant[]): Promise<string> {
    if (grants.length === 0) return turn.t("link:no-roles");
    const lines: string[] = [];
    for (const grant of grants) {
      let scope: string;
      if (grant.scope === "*") scope = turn.t("link:scope-everywhere");
      else if (grant.scope.startsWith("area:")) {
        const slug = grant.scope.slice("area:".length);
        scope = (await deps.areas.bySlug(slug))?.name ?? slug;
      } else scope = turn.t("link:scope-initiative", { id: grant.scope.slice("initiative:".length) });
      lines.push(turn.t("link:role-line", { role: turn.t(`link:role-${grant.role}`), scope }));
    }
    return lines.join(", ");
  }

  /** When the oldest of the last `maxFailures` wrong codes leaves the window, a try is free again. */
  const lockedUntil = (failures: readonly Date[]) => new Date(failures[failures.length - maxFailures]!.getTime() + windowMs);

  function lockedText(turn: Turn, retryAt: Date): string {
    const minutes = Math.max(1, Math.ceil((retryAt.getTime() - deps.clock.now().getTime()) / 60_000));
    return turn.t("link:too-many", { count: minutes, max: maxFailures });
  }

  async function redeem(turn: Turn, raw: string): Promise<void> {
    const identity = turn.event.senderId;
    const now = deps.clock.now();
    const since = new Date(now.getTime() - windowMs);
    const failures = await deps.links.failuresSince(identity, since);
    // Checked before the code is even looked up: once locked, a right guess is refused as well.
    if (failures.length >= maxFailures) return turn.reply({ html: lockedText(turn, lockedUntil(failures)) });

    // Every wrong answer says how many tries are left, so the limit never comes as a surprise.
    const fail = async (key: string) => {
      await deps.links.recordFailure(identity, now, since);
      const left = maxFailures - failures.length - 1;
      const after = left > 0 ? turn.t("link:tries-left", { count: left }) : lockedText(turn, lockedUntil([...failures, now]));
      turn.reply({ html: `${turn.t(key)}\n${after}` });
    };

    const code = raw.toUpperCase().replace(/[^A-Z0-9]/g, "");
    const stored = code ? await deps.links.find(code) : undefined;
    // A code someone else is confirming is as unknown as a wrong one: nothing tells it exists.
    if (!stored || (stored.claimedBy !== null && stored.claimedBy !== identity)) return fail("link:invalid");
    if (stored.expiresAt <= now) return fail("link:expired");
    if (stored.residentId === turn.resident.id) return turn.say("link:same-resident");
    if (!(await deps.links.claim(code, identity, now))) return fail("link:invalid");
    await releaseEarlier(turn, code);

    const here = await deps.links.identities(turn.resident.id);
    const there = await deps.links.identities(stored.residentId);
    const hereRoles = await deps.roles.grantsOf(here.map((a) => a.id));
    const thereRoles = await deps.roles.grantsOf(there.map((a) => a.id));
    turn.enter(FEATURE, "confirm", { code });
    turn.say(
      "link:confirm-question",
      {
        here: accountsText(turn, here),
        there: accountsText(turn, there),
        gainHere: await rolesText(turn, thereRoles),
        gainThere: await rolesText(turn, hereRoles),
      },
      yesNo(turn, "confirm", "cancel"),
    );
  }

  /** A second `/link CODE` while one waits for confirmation frees the first code again. */
  async function releaseEarlier(turn: Turn, keep: string): Promise<void> {
    const earlier = turn.state.flow === FEATURE ? turn.state.data["code"] : undefined;
    if (typeof earlier === "string" && earlier !== keep) await deps.links.release(earlier, turn.event.senderId);
  }

  function pendingCode(turn: Turn, step: string): string | undefined {
    const code = turn.state.data["code"];
    if (turn.state.flow !== FEATURE || turn.state.step !== step) return undefined;
    return step === "confirm" ? (typeof code === "string" ? code : undefined) : "";
  }

  async function confirm(turn: Turn): Promise<void> {
    const code = pendingCode(turn, "confirm");
    if (code === undefined) return turn.say("common:stale-action");
    turn.leave();
    const identity = turn.event.senderId;
    const stored = await deps.links.find(code);
    if (!stored || stored.claimedBy !== identity || stored.expiresAt <= deps.clock.now()) {
      await deps.links.release(code, identity);
      return turn.say("link:expired");
    }
    if (stored.residentId === turn.resident.id) return turn.say("link:same-resident");
    const moved = await deps.links.identities(turn.resident.id);
    const into = await deps.links.confirm(code, identity, turn.resident.id);
    if (into === undefined) return turn.say("link:expired");
    await deps.audit.record(actorOf(turn), "resident.link", "resident", into, moved.map((a) => a.id).join(", "));
    const merged = await deps.residents.get(into);
    if (merged) turn.setResident(merged);
    turn.say("link:linked");
    if (merged?.onboardedAt) await turn.dispatch("menu:open");
  }

  async function cancel(turn: Turn): Promise<void> {
    const code = pendingCode(turn, "confirm");
    turn.leave();
    if (code !== undefined) await deps.links.release(code, turn.event.senderId);
    turn.say("link:cancelled");
  }

  async function askUnlink(turn: Turn): Promise<void> {
    const identity = turn.event.senderId;
    const accounts = await deps.links.identities(turn.resident.id);
    const here = accounts.filter((a) => a.id === identity);
    const others = accounts.filter((a) => a.id !== identity);
    if (others.length === 0 || here.length === 0) return turn.say("link:unlink-alone");
    turn.enter(FEATURE, "unlink");
    turn.say(
      "link:unlink-question",
      {
        here: accountsText(turn, here),
        others: accountsText(turn, others),
        loseHere: await rolesText(turn, await deps.roles.grantsOf(others.map((a) => a.id))),
        loseThere: await rolesText(turn, await deps.roles.grantsOf([identity])),
      },
      yesNo(turn, "unlinkok", "unlinkno"),
    );
  }

  async function unlink(turn: Turn): Promise<void> {
    if (pendingCode(turn, "unlink") === undefined) return turn.say("common:stale-action");
    turn.leave();
    const before = turn.resident.id;
    const created = await deps.links.unlink(turn.event.senderId);
    if (created === undefined) return turn.say("link:unlink-alone");
    await deps.audit.record(actorOf(turn), "resident.unlink", "resident", before, turn.event.senderId);
    const own = await deps.residents.get(created);
    if (own) turn.setResident(own);
    turn.say("link:unlinked");
  }

  return {
    id: FEATURE,
    // A second messenger confirms the link before it is onboarded: that is the point of linking.
    actionsBeforeOnboarding: true,
    commands: [
      {
        name: "link",
        scope: "private",
        descriptionKey: "link:command",
        beforeOnboarding: true,
        run: (turn, args) => (args ? redeem(turn, args) : issue(turn)),
      },
      { name: "unlink", scope: "private", descriptionKey: "link:command-unlink", run: (turn) => askUnlink(turn) },
    ],
    async handleAction(turn, verb) {
      switch (verb) {
        case "start":
          return issue(turn);
        case "confirm":
          return confirm(turn);
        case "cancel":
          return cancel(turn);
        case "unlink":
          return askUnlink(turn);
        case "unlinkok":
          return unlink(turn);
        case "unlinkno":
          turn.leave();
          return turn.say("link:unlink-cancelled");
        default:
          return turn.say("common:stale-action");
      }
    },
    async handleText(turn) {
      // Anything typed while a question waits: ask again rather than guess.
      if (turn.state.step === "confirm") return turn.say("link:confirm-pending", {}, yesNo(turn, "confirm", "cancel"));
      if (turn.state.step === "unlink") return turn.say("link:confirm-pending", {}, yesNo(turn, "unlinkok", "unlinkno"));
      turn.leave();
      turn.say("common:not-understood");
    },
  };
}
