/**
 * Starts a real Synapse homeserver on loopback for Matrix end-to-end tests.
 *
 * Synapse is a test peer only (installed into a venv by scripts/provision-synapse.sh). Each call
 * writes its own homeserver.yaml, SQLite database, signing key and media store into a fresh temp
 * directory, so parallel instances never share state.
 *
 * @example
 * const synapse = await startSynapse({ rateLimits: "off" });
 * try {
 *   const alice = await synapse.registerUser("alice");
 *   // talk to synapse.baseUrl with alice.accessToken
 * } finally {
 *   await synapse.stop();
 * }
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, openSync, closeSync } from "node:fs";
import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";

export type SynapseRateLimits = "off" | "default";

export interface StartSynapseOptions {
  /**
   * "off" (default): every rc_* limit raised so high that tests never hit one.
   * "default": same, except rc_message stays at {@link DEFAULT_MODE_MESSAGE_LIMIT} so a test can
   * provoke M_LIMIT_EXCEEDED on purpose.
   */
  rateLimits?: SynapseRateLimits;
  /**
   * Directory for config, database, key, media and logs. It must be empty or absent and is kept
   * after stop() (useful when debugging). Default: a fresh temp dir that stop() removes.
   */
  workDir?: string;
  /** Python inside the Synapse venv. Default: $MITREDEN_SYNAPSE_PYTHON or the provisioned venv. */
  python?: string;
  /** How long to wait for the client API to answer. Default 60 s. */
  startTimeoutMs?: number;
}

export interface RegisteredUser {
  userId: string;
  accessToken: string;
  deviceId: string;
  password: string;
}

export interface RegisterUserOptions {
  admin?: boolean;
  /** Default: a random password. */
  password?: string;
}

export interface SynapseInstance {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  baseUrl: string;
  serverName: string;
  /** Shared secret of /_synapse/admin/v1/register, for {@link registerSynapseUser} elsewhere. */
  registrationSharedSecret: string;
  /** Directory holding homeserver.yaml, homeserver.log and the database. */
  workDir: string;
  registerUser(localpart: string, options?: RegisterUserOptions): Promise<RegisteredUser>;
  stop(): Promise<void>;
}

/** rc_message in "default" mode: 0.2 msg/s after a burst of 5 — a short loop trips it. */
export const DEFAULT_MODE_MESSAGE_LIMIT = { per_second: 0.2, burst_count: 5 } as const;

const SERVER_NAME = "localhost";
const UNLIMITED = { per_second: 100_000, burst_count: 100_000 } as const;

/** Where scripts/provision-synapse.sh puts the venv's python. */
export function defaultSynapsePython(): string {
  const fromEnv = process.env["MITREDEN_SYNAPSE_PYTHON"];
  if (fromEnv) return fromEnv;
  const cacheDir = process.env["MITREDEN_CACHE_DIR"] ?? join(homedir(), ".cache", "mitreden");
  return join(cacheDir, "synapse-venv", "bin", "python");
}

/** Every rc_* setting this Synapse version reads, all raised far beyond anything a test does. */
function rateLimitConfig(mode: SynapseRateLimits): Record<string, unknown> {
  return {
    rc_message: mode === "default" ? DEFAULT_MODE_MESSAGE_LIMIT : UNLIMITED,
    rc_registration: UNLIMITED,
    rc_registration_token_validity: UNLIMITED,
    rc_login: { address: UNLIMITED, account: UNLIMITED, failed_attempts: UNLIMITED },
    rc_admin_redaction: UNLIMITED,
    rc_joins: { local: UNLIMITED, remote: UNLIMITED },
    rc_joins_per_room: UNLIMITED,
    rc_key_requests: UNLIMITED,
    rc_3pid_validation: UNLIMITED,
    rc_invites: { per_room: UNLIMITED, per_user: UNLIMITED, per_issuer: UNLIMITED },
    rc_third_party_invite: UNLIMITED,
    rc_media_create: UNLIMITED,
    rc_presence: { per_user: UNLIMITED },
    rc_delayed_event_mgmt: UNLIMITED,
    rc_room_creation: UNLIMITED,
    rc_reports: UNLIMITED,
    rc_user_directory: UNLIMITED,
    rc_profile: UNLIMITED,
    rc_federation: { window_size: 1000, sleep_limit: 100_000, sleep_delay: 0, reject_limit: 100_000, concurrent: 100 },
  };
}

/** Synapse's key file format: "ed25519 <key id> <unpadded standard base64 of the 32-byte seed>". */
function generateSigningKey(): string {
  const { privateKey } = generateKeyPairSync("ed25519");
  const jwk = privateKey.export({ format: "jwk" });
  if (typeof jwk.d !== "string") throw new Error("ed25519 JWK export lacks the private part");
  const seed = Buffer.from(jwk.d, "base64url").toString("base64").replace(/=+$/, "");
  return `ed25519 a_test ${seed}\n`;
}

function loggingConfig(logFile: string): Record<string, unknown> {
  return {
    version: 1,
    formatters: { precise: { format: "%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(message)s" } },
    handlers: {
      file: { class: "logging.FileHandler", formatter: "precise", filename: logFile, encoding: "utf8" },
    },
    // SQL statement logging is enormous and useless for these tests.
    loggers: { "synapse.storage.SQL": { level: "WARNING" } },
    root: { level: "INFO", handlers: ["file"] },
    disable_existing_loggers: false,
  };
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error("could not read the port of a loopback listener"));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

async function tail(file: string, lines: number): Promise<string> {
  try {
    return (await readFile(file, "utf8")).split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log written)";
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Registers a user through Synapse's shared-secret admin API. Usable from any test process that
 * knows the base URL and secret (e.g. via the global setup's injected env).
 */
export async function registerSynapseUser(
  baseUrl: string,
  sharedSecret: string,
  localpart: string,
  options: RegisterUserOptions = {},
): Promise<RegisteredUser> {
  const url = `${baseUrl}/_synapse/admin/v1/register`;
  const nonceResponse = await fetch(url);
  if (!nonceResponse.ok) {
    throw new Error(`register nonce: HTTP ${nonceResponse.status} ${await nonceResponse.text()}`);
  }
  const { nonce } = (await nonceResponse.json()) as { nonce: string };
  const password = options.password ?? randomBytes(12).toString("base64url");
  const admin = options.admin ?? false;
  const mac = createHmac("sha1", sharedSecret)
    .update(`${nonce}\0${localpart}\0${password}\0${admin ? "admin" : "notadmin"}`)
    .digest("hex");
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ nonce, username: localpart, password, admin, mac }),
  });
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok) {
    throw new Error(`register ${localpart}: HTTP ${response.status} ${JSON.stringify(body)}`);
  }
  const { user_id: userId, access_token: accessToken, device_id: deviceId } = body;
  if (typeof userId !== "string" || typeof accessToken !== "string" || typeof deviceId !== "string") {
    throw new Error(`register ${localpart}: unexpected answer ${JSON.stringify(body)}`);
  }
  return { userId, accessToken, deviceId, password };
}

export async function startSynapse(options: StartSynapseOptions = {}): Promise<SynapseInstance> {
  const python = options.python ?? defaultSynapsePython();
  if (!existsSync(python)) {
    throw new Error(
      `Synapse python not found at ${python}. Run scripts/provision-synapse.sh first ` +
        `(or set MITREDEN_SYNAPSE_PYTHON).`,
    );
  }
  const ownsDir = options.workDir === undefined;
  const dir = options.workDir ?? (await mkdtemp(join(tmpdir(), "mitreden-synapse-")));
  await mkdir(join(dir, "media"), { recursive: true });

  const port = await freeLoopbackPort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const sharedSecret = randomBytes(32).toString("hex");
  const logFile = join(dir, "homeserver.log");
  const stdioFile = join(dir, "stdio.log");
  const configFile = join(dir, "homeserver.yaml");

  const config = {
    server_name: SERVER_NAME,
    public_baseurl: `${baseUrl}/`,
    pid_file: join(dir, "homeserver.pid"),
    listeners: [
      {
        port,
        bind_addresses: ["127.0.0.1"],
        type: "http",
        tls: false,
        x_forwarded: false,
        resources: [{ names: ["client"], compress: false }],
      },
    ],
    database: { name: "sqlite3", args: { database: join(dir, "homeserver.db") } },
    log_config: join(dir, "log.config.yaml"),
    media_store_path: join(dir, "media"),
    signing_key_path: join(dir, "signing.key"),
    enable_registration: false,
    registration_shared_secret: sharedSecret,
    macaroon_secret_key: randomBytes(32).toString("hex"),
    form_secret: randomBytes(32).toString("hex"),
    report_stats: false,
    enable_metrics: false,
    trusted_key_servers: [],
    suppress_key_server_warning: true,
    // Keeps the loopback peer from reaching out anywhere and keeps /sync quiet.
    federation_domain_whitelist: [],
    presence: { enabled: false },
    url_preview_enabled: false,
    ...rateLimitConfig(options.rateLimits ?? "off"),
  };
  await writeFile(configFile, stringify(config));
  await writeFile(join(dir, "log.config.yaml"), stringify(loggingConfig(logFile)));
  await writeFile(join(dir, "signing.key"), generateSigningKey(), { mode: 0o600 });

  // Synapse writes only start-up errors to stdout/stderr once log_config is set; keep them in a
  // file so the test output stays quiet but a failed start can show them.
  const stdioFd = openSync(stdioFile, "a");
  let child: ChildProcess;
  try {
    child = spawn(python, ["-m", "synapse.app.homeserver", "-c", configFile], {
      cwd: dir,
      stdio: ["ignore", stdioFd, stdioFd],
      env: { ...process.env, PYTHONUNBUFFERED: "1" },
    });
  } finally {
    closeSync(stdioFd);
  }
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exitPromise = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exited = { code, signal };
      resolve();
    });
    child.once("error", () => resolve());
  });
  // If the test process dies without calling stop(), do not leave Synapse running.
  const killOnExit = (): void => {
    child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    process.removeListener("exit", killOnExit);
    if (exited === null && child.exitCode === null) {
      child.kill("SIGTERM");
      const gone = await Promise.race([exitPromise.then(() => true), sleep(5_000).then(() => false)]);
      if (!gone) {
        child.kill("SIGKILL");
        await Promise.race([exitPromise, sleep(2_000)]);
      }
    }
    if (ownsDir) await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  let lastError = "no attempt yet";
  for (;;) {
    if (exited !== null) {
      const { code, signal } = exited;
      const logs = `${await tail(stdioFile, 30)}\n--- homeserver.log ---\n${await tail(logFile, 40)}`;
      await stop();
      throw new Error(`Synapse exited during start-up (code ${code}, signal ${signal}):\n${logs}`);
    }
    try {
      const response = await fetch(`${baseUrl}/_matrix/client/versions`, {
        signal: AbortSignal.timeout(2_000),
      });
      if (response.ok) break;
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) {
      const logs = `${await tail(stdioFile, 30)}\n--- homeserver.log ---\n${await tail(logFile, 40)}`;
      await stop();
      throw new Error(`Synapse did not answer on ${baseUrl} in time (last: ${lastError}):\n${logs}`);
    }
    await sleep(200);
  }

  return {
    baseUrl,
    serverName: SERVER_NAME,
    registrationSharedSecret: sharedSecret,
    workDir: dir,
    registerUser: (localpart, registerOptions) =>
      registerSynapseUser(baseUrl, sharedSecret, localpart, registerOptions),
    stop,
  };
}
