/**
 * A resident played by a test: a minimal Matrix client over plain fetch (client-server API v3).
 *
 * Deliberately no SDK: tests of the bot's Matrix channel must not share code paths with the
 * matrix-bot-sdk the product uses, or a bug in that layer would be invisible.
 *
 * @example
 * const alice = createTestUser({ baseUrl, userId, accessToken });
 * const roomId = await alice.createRoom({ invite: [botUserId], isDirect: true });
 * await alice.sendText(roomId, "hallo");
 * const reply = await alice.waitForMessage(roomId, (m) => m.sender === botUserId);
 */
import { randomBytes } from "node:crypto";

export interface TestUserCredentials {
  baseUrl: string;
  userId: string;
  accessToken: string;
}

export interface CreateRoomOptions {
  name?: string;
  invite?: string[];
  /** Marks the room as a DM (is_direct + trusted_private_chat preset), as Element does. */
  isDirect?: boolean;
  /** Adds m.room.encryption (megolm) as initial state, as Element does for new DMs. */
  encrypted?: boolean;
}

/** A timeline event as returned by /sync, narrowed to what tests look at. */
export interface TimelineEvent {
  event_id: string;
  type: string;
  sender: string;
  origin_server_ts: number;
  content: Record<string, unknown>;
}

/** The info block of an m.image event as a client declares it (nothing checks it against the bytes). */
export interface ImageInfo {
  mimetype?: string;
  size?: number;
  w?: number;
  h?: number;
}

export interface SendImageOptions {
  /** The caption when `filename` is given and differs; otherwise the file name. */
  body: string;
  filename?: string;
  info?: ImageInfo;
}

export interface WaitOptions {
  /** Default 10 s. */
  timeoutMs?: number;
}

/** An error answer of the homeserver, with the Matrix errcode kept for assertions. */
export class MatrixHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errcode: string | undefined,
    readonly body: Record<string, unknown>,
    what: string,
  ) {
    super(`${what}: HTTP ${status} ${JSON.stringify(body)}`);
    this.name = "MatrixHttpError";
  }

  get retryAfterMs(): number | undefined {
    const value = this.body["retry_after_ms"];
    return typeof value === "number" ? value : undefined;
  }
}

export interface TestUser {
  userId: string;
  createRoom(options?: CreateRoomOptions): Promise<string>;
  /** Accepts an invite or joins a public room; returns the room id. */
  joinRoom(roomIdOrAlias: string): Promise<string>;
  /** Invites someone into a room this user is in. */
  invite(roomId: string, userId: string): Promise<void>;
  /** Sends m.room.message/m.text; returns the event id. Throws MatrixHttpError on refusal. */
  sendText(roomId: string, body: string): Promise<string>;
  /** Sets this user's display name (shown to the bot through the room's member events). */
  setDisplayName(name: string): Promise<void>;
  /** Sends any m.room.message content (e.g. an m.file); returns the event id. */
  sendMessage(roomId: string, content: Record<string, unknown>): Promise<string>;
  /** Sends m.room.message/m.image pointing at `mxcUrl`; returns the event id. */
  sendImage(roomId: string, mxcUrl: string, options: SendImageOptions): Promise<string>;
  /** Uploads to the media repository; returns the mxc:// URI. */
  uploadMedia(bytes: Uint8Array, contentType: string, filename?: string): Promise<string>;
  /** Downloads media through the authenticated endpoint, as current clients do. */
  downloadMedia(mxcUrl: string): Promise<Uint8Array>;
  /**
   * Waits until a timeline event in the room matches. Only events after the user's current sync
   * position count, plus anything already in the first sync if no sync happened yet.
   */
  waitForMessage(
    roomId: string,
    predicate: (event: TimelineEvent) => boolean,
    options?: WaitOptions,
  ): Promise<TimelineEvent>;
  /** Waits until this user has an invite to some room matching the predicate; returns its id. */
  waitForInvite(predicate?: (roomId: string) => boolean, options?: WaitOptions): Promise<string>;
  leave(roomId: string): Promise<void>;
}

interface SyncRoomSection {
  timeline?: { events?: TimelineEvent[] };
}

interface SyncResponse {
  next_batch: string;
  rooms?: {
    join?: Record<string, SyncRoomSection>;
    invite?: Record<string, unknown>;
  };
}

export function createTestUser(credentials: TestUserCredentials): TestUser {
  const { baseUrl, userId, accessToken } = credentials;
  let since: string | undefined;
  // Events seen by a sync but not yet claimed by a waitForMessage call.
  const pending: Array<{ roomId: string; event: TimelineEvent }> = [];
  const pendingInvites = new Set<string>();

  async function call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const response = await fetch(`${baseUrl}/_matrix/client/v3${path}`, {
      method,
      headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: signal ?? AbortSignal.timeout(30_000),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok) {
      const errcode = typeof json["errcode"] === "string" ? json["errcode"] : undefined;
      throw new MatrixHttpError(response.status, errcode, json, `${method} ${path}`);
    }
    return json as T;
  }

  async function sendMessage(roomId: string, content: Record<string, unknown>): Promise<string> {
    // A fresh transaction id per call: retries of the same logical send are the caller's business.
    const txnId = `t${Date.now()}-${randomBytes(6).toString("hex")}`;
    const { event_id: eventId } = await call<{ event_id: string }>(
      "PUT",
      `/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${txnId}`,
      content,
    );
    return eventId;
  }

  async function syncOnce(timeoutMs: number): Promise<void> {
    const params = new URLSearchParams({ timeout: String(Math.max(0, timeoutMs)) });
    if (since !== undefined) params.set("since", since);
    const result = await call<SyncResponse>(
      "GET",
      `/sync?${params.toString()}`,
      undefined,
      AbortSignal.timeout(timeoutMs + 10_000),
    );
    since = result.next_batch;
    for (const [roomId, section] of Object.entries(result.rooms?.join ?? {})) {
      for (const event of section.timeline?.events ?? []) pending.push({ roomId, event });
    }
    for (const roomId of Object.keys(result.rooms?.invite ?? {})) pendingInvites.add(roomId);
  }

  async function pollUntil<T>(find: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${userId}: timed out after ${timeoutMs} ms waiting for ${what}`);
      // Long-poll, but never past the deadline; capped so a quiet server cannot hold us long.
      await syncOnce(Math.min(left, 5_000));
    }
  }

  return {
    userId,

    async createRoom(options = {}) {
      const initialState: unknown[] = [];
      if (options.encrypted) {
        initialState.push({
          type: "m.room.encryption",
          state_key: "",
          content: { algorithm: "m.megolm.v1.aes-sha2" },
        });
      }
      const { room_id: roomId } = await call<{ room_id: string }>("POST", "/createRoom", {
        ...(options.name === undefined ? {} : { name: options.name }),
        invite: options.invite ?? [],
        is_direct: options.isDirect ?? false,
        preset: options.isDirect ? "trusted_private_chat" : "private_chat",
        initial_state: initialState,
      });
      return roomId;
    },

    async joinRoom(roomIdOrAlias) {
      const { room_id: roomId } = await call<{ room_id: string }>(
        "POST",
        `/join/${encodeURIComponent(roomIdOrAlias)}`,
        {},
      );
      return roomId;
    },

    async invite(roomId, invitee) {
      await call("POST", `/rooms/${encodeURIComponent(roomId)}/invite`, { user_id: invitee });
    },

    sendText: (roomId, body) => sendMessage(roomId, { msgtype: "m.text", body }),
    async setDisplayName(name) {
      await call("PUT", `/profile/${encodeURIComponent(userId)}/displayname`, { displayname: name });
    },

    sendMessage,

    sendImage: (roomId, mxcUrl, { body, filename, info }) =>
      sendMessage(roomId, {
        msgtype: "m.image",
        body,
        ...(filename === undefined ? {} : { filename }),
        ...(info === undefined ? {} : { info }),
        url: mxcUrl,
      }),

    async uploadMedia(bytes, contentType, filename) {
      // Uploads have no authenticated v1 variant; /_matrix/media/v3/upload is current.
      const query = filename === undefined ? "" : `?filename=${encodeURIComponent(filename)}`;
      const response = await fetch(`${baseUrl}/_matrix/media/v3/upload${query}`, {
        method: "POST",
        headers: { authorization: `Bearer ${accessToken}`, "content-type": contentType },
        body: bytes,
        signal: AbortSignal.timeout(30_000),
      });
      const json = (await response.json()) as Record<string, unknown>;
      if (!response.ok || typeof json["content_uri"] !== "string") {
        const errcode = typeof json["errcode"] === "string" ? json["errcode"] : undefined;
        throw new MatrixHttpError(response.status, errcode, json, "POST /_matrix/media/v3/upload");
      }
      return json["content_uri"];
    },

    async downloadMedia(mxcUrl) {
      const match = /^mxc:\/\/([^/]+)\/([^/]+)$/.exec(mxcUrl);
      if (!match) throw new Error(`not an mxc URI: ${mxcUrl}`);
      const path = `/_matrix/client/v1/media/download/${encodeURIComponent(match[1]!)}/${encodeURIComponent(match[2]!)}`;
      const response = await fetch(`${baseUrl}${path}`, {
        headers: { authorization: `Bearer ${accessToken}` },
        signal: AbortSignal.timeout(30_000),
      });
      if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status} ${await response.text()}`);
      return new Uint8Array(await response.arrayBuffer());
    },

    async waitForMessage(roomId, predicate, options = {}) {
      return pollUntil(
        () => {
          const index = pending.findIndex((p) => p.roomId === roomId && predicate(p.event));
          if (index === -1) return undefined;
          const [hit] = pending.splice(index, 1);
          return hit?.event;
        },
        `a matching event in ${roomId}`,
        options.timeoutMs ?? 10_000,
      );
    },

    async waitForInvite(predicate = () => true, options = {}) {
      return pollUntil(
        () => {
          for (const roomId of pendingInvites) {
            if (predicate(roomId)) {
              pendingInvites.delete(roomId);
              return roomId;
            }
          }
          return undefined;
        },
        "an invite",
        options.timeoutMs ?? 10_000,
      );
    },

    async leave(roomId) {
      await call("POST", `/rooms/${encodeURIComponent(roomId)}/leave`, {});
    },
  };
}
