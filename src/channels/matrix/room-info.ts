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
}

/** Power level from which a member counts as a room admin (Matrix's usual moderator level). */
export const ADMIN_POWER_LEVEL = 50;

export function powerLevelOf(levels: PowerLevels, userId: string): number {
  return levels.users[userId] ?? levels.usersDefault;
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

  async function stateOrUndefined(roomId: string, type: string): Promise<Record<string, unknown> | undefined> {
    try {
      return (await client.getRoomStateEvent(roomId, type, "")) as Record<string, unknown>;
    } catch (error) {
      if (matrixFailure(error).errcode === "M_NOT_FOUND") return undefined;
      throw error;
    }
  }

  async function load(roomId: string): Promise<RoomInfo> {
    const [joined, levels, encryption] = await Promise.all([
      client.doRequest("GET", `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/joined_members`) as Promise<{
        joined?: Record<string, { display_name?: unknown }>;
      }>,
      stateOrUndefined(roomId, "m.room.power_levels"),
      stateOrUndefined(roomId, "m.room.encryption"),
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
      powerLevels: { users, usersDefault: numberOr(levels?.["users_default"], 0) },
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
