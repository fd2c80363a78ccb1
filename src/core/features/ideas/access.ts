import type { Turn } from "../../conversation/turn.js";
import { areaLineage } from "../../model/area-tree.js";
import { grantsAllow, type Role } from "../../model/role.js";
import type { AreaStore, ResidentStore } from "../../ports/stores.js";
import type { Resident } from "../../model/resident.js";
import type { Actor } from "./idea-model.js";

/** Who is acting in this turn, as recorded in the audit log and the idea's path. */
export function actorOf(turn: Turn): Actor {
  return { identity: turn.event.senderId, name: turn.event.senderName ?? turn.event.senderId };
}

/**
 * Whether the sender holds `role` for something in `areaId` (its lineage), or anywhere ("any").
 * Admins may do everything; an area grant covers that area and the villages below it, never a
 * neighbouring one.
 */
export async function mayAct(turn: Turn, areas: AreaStore, role: Role, areaId: number | null | "any"): Promise<boolean> {
  const grants = await turn.roles();
  if (areaId === "any") return grantsAllow(grants, role, "any");
  return grantsAllow(grants, role, areaLineage(await areas.list(), areaId));
}

/** Says the sender may not do this; one answer for every refused command. */
export function deny(turn: Turn): void {
  turn.say("ideas:denied");
}

/**
 * Loads what a privileged command acts on, in the one order that tells an outsider nothing: the
 * role first (anyone without it anywhere hears `deny`, whether the id exists or not), then the
 * lookup, and a missing item and one outside the sender's areas get the same `notYours` answer,
 * so neither refusal shows which ids exist.
 *
 * @example
 * const idea = await targetInScope(turn, deps.areas, "moderator", () => deps.ideas.get(id), (i) => i.areaId,
 *   () => turn.say("ideas:not-found-for-you"));
 * if (!idea) return;
 */
export async function targetInScope<T>(
  turn: Turn,
  areas: AreaStore,
  role: Role,
  load: () => Promise<T | undefined>,
  areaOf: (found: T) => number | null,
  notYours: () => void,
  refuse: () => void = () => deny(turn),
): Promise<T | undefined> {
  if (!(await mayAct(turn, areas, role, "any"))) {
    refuse();
    return undefined;
  }
  const found = await load();
  if (found === undefined || !(await mayAct(turn, areas, role, areaOf(found)))) {
    notYours();
    return undefined;
  }
  return found;
}

/**
 * The resident a moderator acts on (/block, /unblock), when they live in the moderator's areas;
 * otherwise the one answer that does not tell whether the number exists.
 *
 * @example
 * const resident = await residentForModerator(turn, deps, 7);
 * if (!resident) return;
 */
export function residentForModerator(
  turn: Turn,
  deps: { readonly areas: AreaStore; readonly residents: Pick<ResidentStore, "get"> },
  id: number,
): Promise<Resident | undefined> {
  return targetInScope(
    turn,
    deps.areas,
    "moderator",
    () => deps.residents.get(id),
    (r) => r.homeAreaId,
    () => turn.say("ideas:resident-not-found-for-you", { id }),
  );
}

/**
 * The idea numbered `id` when the sender holds `role` for its area. A missing id, an unknown idea
 * and one in another area all get the same answer, so nobody can probe which ideas exist.
 *
 * @example
 * const idea = await ideaInScope(turn, deps.areas, deps.ideas, "moderator", parseId(args));
 * if (!idea) return; // already answered
 */
export function ideaInScope<T extends { readonly areaId: number | null }>(
  turn: Turn,
  areas: AreaStore,
  ideas: { get(id: number): Promise<T | undefined> },
  role: Role,
  id: number | undefined,
): Promise<T | undefined> {
  return targetInScope(
    turn,
    areas,
    role,
    async () => (id === undefined ? undefined : ideas.get(id)),
    (idea) => idea.areaId,
    () => turn.say("ideas:not-found-for-you"),
  );
}

/** Parses a positive idea/result number ("42" or "#42"). */
export function parseId(text: string | undefined): number | undefined {
  const match = /^#?(\d{1,9})$/.exec((text ?? "").trim());
  return match ? Number(match[1]) : undefined;
}

/** Splits "42 the reason" into the id and the rest. */
export function idAndRest(args: string): { id: number | undefined; rest: string } {
  const [first = "", ...rest] = args.trim().split(/\s+/);
  return { id: parseId(first), rest: rest.join(" ").trim() };
}
