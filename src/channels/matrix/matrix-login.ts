import type { Logger } from "../../core/ports/logger.js";
import type { KeyValueStore } from "../../storage/stores/key-value-store.js";
import type { MatrixSdk } from "./load-sdk.js";
import { matrixFailure } from "./matrix-errors.js";

/** How the bot proves who it is: a ready access token, or a user id and password to log in with. */
export type MatrixCredentials =
  | { readonly accessToken: string }
  | { readonly userId: string; readonly password: string };

/**
 * Returns an access token. With a password, the token of an earlier login is reused while the
 * homeserver still accepts it: every login creates a new device, and with encryption a new device
 * would lose the keys of the old one. The token is kept in the database (KeyValue), which already
 * holds everything else worth protecting.
 */
export async function resolveAccessToken(
  sdk: MatrixSdk,
  homeserverUrl: string,
  credentials: MatrixCredentials,
  keyValues: KeyValueStore,
  logger: Logger,
  deviceName = "mitreden",
): Promise<string> {
  if ("accessToken" in credentials) return credentials.accessToken;
  const key = `matrix:${credentials.userId}:session`;
  const stored = await keyValues.get(key);
  if (stored && typeof stored === "object" && !Array.isArray(stored) && typeof stored["accessToken"] === "string") {
    const token = stored["accessToken"];
    try {
      const who = await new sdk.MatrixClient(homeserverUrl, token).getWhoAmI();
      if (who.user_id === credentials.userId) return token;
    } catch (error) {
      const failure = matrixFailure(error);
      // Only a refused token means "log in again"; anything else (homeserver down) is the caller's problem.
      if (failure.errcode !== "M_UNKNOWN_TOKEN" && failure.status !== 401) throw error;
    }
    logger.info({ userId: credentials.userId }, "stored matrix session is no longer valid; logging in again");
  }
  const client = await new sdk.MatrixAuth(homeserverUrl).passwordLogin(credentials.userId, credentials.password, deviceName);
  await keyValues.set(key, { accessToken: client.accessToken });
  logger.info({ userId: credentials.userId }, "logged in to matrix with the password");
  return client.accessToken;
}
