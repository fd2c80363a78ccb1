/**
 * The one place that loads matrix-bot-sdk. Everything else imports its types only, so the crypto
 * load hook is always in place before the SDK's first `require` of the native crypto package.
 */
import { createRequire } from "node:module";
import type { Logger } from "../../core/ports/logger.js";
import { cryptoAvailable, installCryptoFallback } from "./crypto-module.js";

export type MatrixSdk = typeof import("matrix-bot-sdk");

let loaded: Promise<MatrixSdk> | undefined;

/** Loads matrix-bot-sdk with the crypto fallback installed; the same module object on every call. */
export function loadMatrixSdk(): Promise<MatrixSdk> {
  loaded ??= (async () => {
    installCryptoFallback();
    const imported = (await import("matrix-bot-sdk")) as MatrixSdk & { default?: MatrixSdk };
    // Node builds named exports for CommonJS by static analysis; the default export is always complete.
    return "MatrixClient" in imported && typeof imported.MatrixClient === "function" ? imported : imported.default!;
  })();
  return loaded;
}

/** Routes the SDK's own log lines into the project's logger (it writes to the console otherwise). */
export function bridgeSdkLogs(sdk: MatrixSdk, logger: Logger): void {
  const log = logger.child({ component: "matrix-bot-sdk" });
  const text = (parts: unknown[]): string =>
    parts
      .map((part) => (part instanceof Error ? part.message : typeof part === "string" ? part : JSON.stringify(part)))
      .join(" ")
      .slice(0, 2_000);
  // The SDK logs every refused request as an error although the caller handles it (a missing state
  // event is an ordinary 404); the caller's own log line carries the context, so those are debug.
  sdk.LogService.setLogger({
    error: (module: string, ...parts: unknown[]) =>
      module === "MatrixHttpClient" ? log.debug({ module }, text(parts)) : log.warn({ module }, text(parts)),
    warn: (module: string, ...parts: unknown[]) => log.warn({ module }, text(parts)),
    info: (module: string, ...parts: unknown[]) => log.debug({ module }, text(parts)),
    debug: (module: string, ...parts: unknown[]) => log.debug({ module }, text(parts)),
    trace: () => undefined,
  });
  sdk.LogService.setLevel(sdk.LogLevel.DEBUG);
}

/**
 * A crypto store for end-to-end encryption in `directory`, or undefined where the native library
 * is missing (then the bot runs unencrypted and explains that in encrypted rooms).
 */
export function createCryptoStore(sdk: MatrixSdk, directory: string): InstanceType<MatrixSdk["RustSdkCryptoStorageProvider"]> | undefined {
  if (!cryptoAvailable()) return undefined;
  // The store type enum lives in the crypto package itself (the SDK re-exports it as a type only).
  const requireFromSdk = createRequire(createRequire(import.meta.url).resolve("matrix-bot-sdk"));
  const crypto = requireFromSdk("@matrix-org/matrix-sdk-crypto-nodejs") as { StoreType: { Sqlite: number } };
  return new sdk.RustSdkCryptoStorageProvider(directory, crypto.StoreType.Sqlite);
}

/** The part of the native crypto package that decrypts attachments. */
interface AttachmentCrypto {
  EncryptedAttachment: new (encryptedData: Uint8Array, mediaEncryptionInfo: string) => unknown;
  Attachment: { decrypt(attachment: unknown): Uint8Array };
}

/**
 * Decrypts media of an encrypted room: `ciphertext` as downloaded, `file` the event's
 * EncryptedFile. The native library checks the SHA-256 hash, so tampered bytes are refused.
 * Only callable where encryption runs (the SDK loaded the native library).
 */
export function decryptAttachment(ciphertext: Uint8Array, file: Readonly<Record<string, unknown>>): Uint8Array {
  if (!cryptoAvailable()) throw new Error("cannot decrypt media: end-to-end encryption is not available");
  // The SDK's own decryptMedia downloads without a size limit or a timeout, so the channel fetches
  // the ciphertext itself and only hands the decryption to the library.
  const requireFromSdk = createRequire(createRequire(import.meta.url).resolve("matrix-bot-sdk"));
  const crypto = requireFromSdk("@matrix-org/matrix-sdk-crypto-nodejs") as AttachmentCrypto;
  return crypto.Attachment.decrypt(new crypto.EncryptedAttachment(ciphertext, JSON.stringify(file)));
}
