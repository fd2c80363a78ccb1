import type { Logger } from "../../src/core/ports/logger.js";

/** A logger that drops everything unless MITREDEN_TEST_LOGS=1, for readable test output. */
const noop = () => undefined;
const verbose = process.env["MITREDEN_TEST_LOGS"] === "1";

export const silentLogger: Logger = {
  debug: noop,
  info: noop,
  warn: verbose ? (obj, msg) => process.stderr.write(`WARN ${msg ?? ""} ${JSON.stringify(obj)}\n`) : noop,
  error: verbose ? (obj, msg) => process.stderr.write(`ERROR ${msg ?? ""} ${JSON.stringify(obj)}\n`) : noop,
  child: () => silentLogger,
};
