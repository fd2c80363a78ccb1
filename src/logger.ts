import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import pino, { type Logger } from "pino";

export interface LoggerOptions {
  readonly level: string;
  /** A file path, or undefined for stderr. Never stdout: that belongs to the terminal chat. */
  readonly file: string | undefined;
  /**
   * Values that must never reach a log line wherever they appear, e.g. a bot token inside the URL
   * of a library's network error message (redaction by field name cannot see those).
   */
  readonly secrets?: readonly (string | undefined)[];
}

/** Paths that may carry secrets; pino replaces them before anything is written. */
const REDACT = [
  "token",
  "accessToken",
  "password",
  "config.telegram.token",
  "config.matrix.accessToken",
  "config.matrix.password",
  "*.token",
  "*.accessToken",
  "*.password",
  "headers.authorization",
];

export function createLogger(options: LoggerOptions, stream?: pino.DestinationStream): Logger {
  let destination: pino.DestinationStream;
  if (stream) {
    destination = stream;
  } else if (options.file) {
    mkdirSync(dirname(options.file), { recursive: true });
    // Synchronous: an asynchronous file stream is not ready yet when a failed start exits at once.
    destination = pino.destination({ dest: options.file, sync: true, mkdir: true });
  } else {
    destination = pino.destination({ fd: 2, sync: false });
  }
  const scrub = secretScrubber(options.secrets ?? []);
  return pino(
    {
      level: options.level,
      redact: { paths: REDACT, censor: "[redacted]" },
      base: { app: "mitreden" },
      ...(scrub ? { hooks: { streamWrite: scrub } } : {}),
    },
    destination,
  );
}

/** Secrets shorter than this are not scrubbed: replacing a short common string would garble logs. */
const MIN_SECRET_LENGTH = 8;

/**
 * Replaces every secret in a finished log line, also in its URL-encoded form. For a Telegram token
 * ("<bot id>:<secret>") the part after the colon is the secret; the bot id stays readable.
 */
export function secretScrubber(secrets: readonly (string | undefined)[]): ((line: string) => string) | undefined {
  const parts = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    const afterColon = /^\d+:(.+)$/.exec(secret)?.[1];
    for (const value of [secret, afterColon]) {
      if (value && value.length >= MIN_SECRET_LENGTH) {
        parts.add(value);
        parts.add(encodeURIComponent(value));
        parts.add(JSON.stringify(value).slice(1, -1));
      }
    }
  }
  if (parts.size === 0) return undefined;
  // Longest first, so a whole token is replaced before its secret part would be.
  const ordered = [...parts].sort((a, b) => b.length - a.length);
  return (line) => {
    let out = line;
    for (const part of ordered) if (out.includes(part)) out = out.split(part).join("[redacted]");
    return out;
  };
}
