import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import pino, { type Logger } from "pino";

export interface LoggerOptions {
  readonly level: string;
  /** A file path, or undefined for stderr. Never stdout: that belongs to the terminal chat. */
  readonly file: string | undefined;
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
  return pino({ level: options.level, redact: { paths: REDACT, censor: "[redacted]" }, base: { app: "mitreden" } }, destination);
}
