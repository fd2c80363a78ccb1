import type { Turn } from "../../conversation/turn.js";
import { areaLineage } from "../../model/area-tree.js";
import { grantsAllow, type Role } from "../../model/role.js";
import type { AreaStore } from "../../ports/stores.js";
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
