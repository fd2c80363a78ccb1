/**
 * Makes matrix-bot-sdk importable where its native end-to-end encryption library is missing.
 *
 * matrix-bot-sdk requires `@matrix-org/matrix-sdk-crypto-nodejs` as soon as it is loaded, and that
 * package only works once its postinstall script has downloaded a native library. Where that cannot
 * happen (offline installs, unsupported platforms), a plain import of the SDK throws. The hook below
 * lets the SDK load the real package whenever it loads, and otherwise hands it a stand-in whose
 * members throw {@link CryptoUnavailableError} only when encryption is actually used.
 */
import { createRequire } from "node:module";

/** The crypto packages matrix-bot-sdk 0.8 requires (the second only from a file the index never loads). */
const CRYPTO_PACKAGES = new Set(["@matrix-org/matrix-sdk-crypto-nodejs", "@turt2live/matrix-sdk-crypto-nodejs"]);

/** Thrown when code tries to use end-to-end encryption although the native library did not load. */
export class CryptoUnavailableError extends Error {
  readonly code = "MITREDEN_MATRIX_CRYPTO_UNAVAILABLE";
  constructor(member: string, cause: unknown) {
    super(
      `Matrix end-to-end encryption is not available (used: ${member}): the native library of ` +
        `@matrix-org/matrix-sdk-crypto-nodejs could not be loaded. Install it where its download works.`,
      { cause },
    );
    this.name = "CryptoUnavailableError";
  }
}

type LoadFn = (request: string, parent: unknown, isMain: boolean) => unknown;
interface ModuleInternals {
  _load: LoadFn;
}

let installed = false;
/** undefined until the SDK asked for the crypto package for the first time. */
let loadError: unknown;
let realLoaded: boolean | undefined;

// Property reads that module plumbing and decorator metadata perform on any export without using it.
const HARMLESS = new Set<PropertyKey>(["prototype", "name", "length", "toString", "valueOf", "constructor"]);

/** A callable, constructible placeholder for one export; anything beyond looking at it throws. */
function poisoned(member: string): unknown {
  const fail = (): never => {
    throw new CryptoUnavailableError(member, loadError);
  };
  const target = function cryptoUnavailable(): void {};
  return new Proxy(target, {
    apply: fail,
    construct: fail,
    get(object, property, receiver) {
      if (typeof property === "symbol" || HARMLESS.has(property)) return Reflect.get(object, property, receiver);
      return fail();
    },
    set: fail,
  });
}

function standIn(): object {
  const members = new Map<string, unknown>();
  return new Proxy(
    {},
    {
      get(_object, property) {
        // Interop probes (ESM namespace building, promise checks) must see "nothing here".
        if (typeof property === "symbol" || property === "__esModule" || property === "then") return undefined;
        let member = members.get(property);
        if (member === undefined) {
          member = poisoned(property);
          members.set(property, member);
        }
        return member;
      },
    },
  );
}

/**
 * Installs the CommonJS load hook once. Must run before matrix-bot-sdk is loaded, which is why the
 * SDK is only ever imported dynamically through load-sdk.ts.
 */
export function installCryptoFallback(): void {
  if (installed) return;
  installed = true;
  const Module = createRequire(import.meta.url)("node:module") as ModuleInternals;
  const original = Module._load;
  let fallback: object | undefined;
  Module._load = function loadWithCryptoFallback(request, parent, isMain) {
    if (!CRYPTO_PACKAGES.has(request)) return original.call(this, request, parent, isMain);
    if (realLoaded === false) return (fallback ??= standIn());
    try {
      const real = original.call(this, request, parent, isMain);
      realLoaded = true;
      return real;
    } catch (error) {
      loadError = error;
      realLoaded = false;
      return (fallback ??= standIn());
    }
  };
}

/** Whether the native crypto library loaded (false before the SDK was loaded). */
export function cryptoAvailable(): boolean {
  return realLoaded === true;
}

/** Why the native crypto library did not load, for the start-up log. */
export function cryptoLoadError(): string | undefined {
  if (realLoaded !== false) return undefined;
  return loadError instanceof Error ? loadError.message.split("\n")[0] : String(loadError);
}
