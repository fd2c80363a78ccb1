/**
 * Bot API error responses and parameter coercion. Telegram answers form-encoded and JSON calls
 * alike, so every accessor accepts both a typed JSON value and its string form.
 */

/** `parameters` of an error response, as Telegram sends them. */
export interface ResponseParameters {
  readonly retry_after?: number;
  readonly migrate_to_chat_id?: number;
}

/** An error answer; method handlers throw it and the server turns it into `{ok:false,...}`. */
export class ApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(description);
  }
}

export const badRequest = (what: string): ApiError => new ApiError(400, `Bad Request: ${what}`);
export const forbidden = (what: string): ApiError => new ApiError(403, `Forbidden: ${what}`);
export const tooManyRequests = (retryAfter: number): ApiError =>
  new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });

export type Params = Record<string, unknown>;

export function optionalString(params: Params, key: string): string | undefined {
  const value = params[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw badRequest(`field "${key}" must be of type String`);
}

export function optionalInteger(params: Params, key: string): number | undefined {
  const value = params[key];
  if (value === undefined || value === null || value === "") return undefined;
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
  if (!Number.isInteger(n)) throw badRequest(`field "${key}" must be of type Integer`);
  return n;
}

export function optionalBoolean(params: Params, key: string): boolean | undefined {
  const value = params[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "1" || value === 1) return true;
  if (value === "false" || value === "0" || value === 0) return false;
  throw badRequest(`field "${key}" must be of type Boolean`);
}

/** JSON-serialised parameters (reply_markup, scope, commands, ...) arrive as strings in forms. */
export function optionalJson(params: Params, key: string, what: string): unknown {
  const value = params[key];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw badRequest(`can't parse ${what} JSON object`);
  }
}

/** chat_id is an integer or an `@username` string. */
export function chatIdParam(params: Params, key = "chat_id"): number | string {
  const value = params[key];
  if (value === undefined || value === null || value === "") throw badRequest("chat_id is empty");
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string") {
    if (value.startsWith("@")) return value;
    const n = Number(value);
    if (Number.isInteger(n)) return n;
  }
  throw badRequest("chat not found");
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
