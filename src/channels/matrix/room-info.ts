import type { MatrixClient } from "matrix-bot-sdk";
import { cleanText } from "../../core/text/clean-text.js";
import { matrixFailure } from "./matrix-errors.js";

/** What the channel needs to know about a room to build inbound events. */
export interface RoomInfo {
  /** Joined members and their display names. */
  readonly members: ReadonlyMap<string, string | undefined>;
  readonly powerLevels: PowerLevels;
  readonly encrypted: boolean;
}

export interface PowerLevels {
  readonly users: Readonly<Record<string, number>>;
  readonly usersDefault: number;
  /**
   * Room creators where the room version gives them unlimited power (room version 12 and later):
   * the sender of the create event and its `additional_creators`. They are not listed in `users`.
   */
  readonly creators: ReadonlySet<string>;
}

/**
 * Whether creators hold unlimited power in rooms of this version (MSC4289: version 12 and later,
 * and its unstable name). Earlier versions give power only through the power-levels event.
 *
 * @example
 * creatorsArePrivileged("12"); // true
 * creatorsArePrivileged("10"); // false
 */
export function creatorsArePrivileged(roomVersion: string | undefined): boolean {
  if (roomVersion === "org.matrix.hydra.11") return true;
  return roomVersion !== undefined && /^\d+$/.test(roomVersion) && Number(roomVersion) >= 12;
}

/** Power level from which a member counts as a room admin (Matrix's usual moderator level). */
export const ADMIN_POWER_LEVEL = 50;

export function powerLevelOf(levels: PowerLevels, userId: string): number {
  if (levels.creators.has(userId)) return Number.POSITIVE_INFINITY;
  return levels.users[userId] ?? levels.usersDefault;
}

/** The privileged creators of a room, read from its full create event (sender and content). */
export function privilegedCreators(createEvent: Record<string, unknown> | undefined): ReadonlySet<string> {
  const content = createEvent?.["content"];
  if (!createEvent || !content || typeof content !== "object") return new Set();
  const fields = content as Record<string, unknown>;
  const version = typeof fields["room_version"] === "string" ? fields["room_version"] : "1";
  if (!creatorsArePrivileged(version)) return new Set();
  const creators = new Set<string>();
  if (typeof createEvent["sender"] === "string") creators.add(createEvent["sender"]);
  const additional = fields["additional_creators"];
  if (Array.isArray(additional)) for (const user of additional) if (typeof user === "string") creators.add(user);
  return creators;
}

/**
 * Room facts, fetched once and kept until a membership, power-level or encryption event of that
 * room passes through the sync loop (which calls invalidate in timeline order).
 */
export interface RoomInfoCache {
  get(roomId: string): Promise<RoomInfo>;
  invalidate(roomId: string): void;
}

const numberOr = (value: unknown, fallback: number): number => (typeof value === "number" ? value : fallback);

export function createRoomInfoCache(client: MatrixClient): RoomInfoCache {
  const cache = new Map<string, Promise<RoomInfo>>();

  async function stateOrUndefined(roomId: string, type: string, format: "content" | "event" = "content"): Promise<Record<string, unknown> | undefined> {
    try {
      if (format === "event") {
        // The whole event: who sent the create event is who created the room.
        const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/${encodeURIComponent(type)}/`;
        return (await client.doRequest("GET", path, { format: "event" })) as Record<string, unknown>;
      }
      return (await client.getRoomStateEvent(roomId, type, "")) as Record<string, unknown>;
    } catch (error) {
      if (matrixFailure(error).errcode === "M_NOT_FOUND") return undefined;
      throw error;
    }
  }

  async function load(roomId: string): Promise<RoomInfo> {
    const [joined, levels, encryption, create] = await Promise.all([
      client.doRequest("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/joined_members`) as Promise<{
        joined?: Record<string, { display_name?: unknown }>;
      }>,
      stateOrUndefined(roomId, "m.room.power_levels"),
      stateOrUndefined(roomId, "m.room.encryption"),
      stateOrUndefined(roomId, "m.room.create", "event"),
    ]);
    const members = new Map<string, string | undefined>();
    for (const [userId, profile] of Object.entries(joined.joined ?? {})) {
      // Display names are chosen by anyone and shown and stored as sender names: cleaned like messages.
      members.set(userId, typeof profile.display_name === "string" ? cleanText(profile.display_name) : undefined);
    }
    const users: Record<string, number> = {};
    const rawUsers = levels?.["users"];
    if (rawUsers && typeof rawUsers === "object") {
      for (const [userId, level] of Object.entries(rawUsers as Record<string, unknown>)) {
        if (typeof level === "number") users[userId] = level;
      }
    }
    return {
      members,
      powerLevels: { users, usersDefault: numberOr(levels?.["users_default"], 0), creators: privilegedCreators(create) },
      encrypted: encryption !== undefined && typeof encryption["algorithm"] === "string",
    };
  }

  return {
    get(roomId) {
      let info = cache.get(roomId);
      if (!info) {
        info = load(roomId);
        // A failed load must not stick.
        info.catch(() => cache.delete(roomId));
        cache.set(roomId, info);
      }
      return info;
    },
    invalidate(roomId) {
      cache.delete(roomId);
    },
  };
}
