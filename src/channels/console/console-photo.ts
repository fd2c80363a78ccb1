import { open, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PhotoTooLargeError, type PhotoSource } from "../receive-photo.js";

/** The file names a terminal line may carry to count as a photo; the content is still sniffed. */
const PHOTO_NAME = /\.(jpe?g|png)$/i;

/** Where the terminal resolves `~/…` and relative paths. */
export interface PathContext {
  readonly cwd: string;
  readonly home: string;
}

const defaultContext = (): PathContext => ({ cwd: process.cwd(), home: homedir() });

/** A photo file a terminal line names: its absolute path and its size when the line was read. */
export interface PhotoFile {
  readonly path: string;
  readonly bytes: number;
}

/**
 * The paths a typed or dropped line may mean, most literal first. Terminals wrap a dropped file's
 * path in quotes (GNOME, Konsole), escape its spaces with backslashes (macOS Terminal, iTerm) or
 * paste a `file://` URL; a typed path is taken as it stands.
 */
export function candidatePaths(line: string, context: PathContext = defaultContext()): string[] {
  let text = line.trim();
  const quoted = /^(['"])(.*)\1$/.exec(text);
  if (quoted) text = quoted[2]!.trim();
  if (!text) return [];
  if (/^file:\/\//i.test(text)) {
    try {
      return [fileURLToPath(text)];
    } catch {
      return []; // a file URL of another host, or a malformed one: not a local file
    }
  }
  const absolute = (path: string): string => {
    if (path === "~" || path.startsWith("~/")) return join(context.home, path.slice(1));
    return isAbsolute(path) ? path : resolve(context.cwd, path);
  };
  const candidates = [absolute(text)];
  // Only an unquoted line can carry shell escapes; "\ " is a space, "\(" a parenthesis.
  if (!quoted && text.includes("\\")) candidates.push(absolute(text.replace(/\\(.)/g, "$1")));
  return [...new Set(candidates)];
}

/**
 * The photo file a terminal line names, or undefined when the line is ordinary text: only an
 * existing regular file whose name ends in .jpg, .jpeg or .png counts, so typing never turns
 * into a photo by accident.
 */
export async function photoFileIn(line: string, context?: PathContext): Promise<PhotoFile | undefined> {
  for (const path of candidatePaths(line, context)) {
    if (!PHOTO_NAME.test(path)) continue;
    try {
      const info = await stat(path);
      if (info.isFile()) return { path, bytes: info.size };
    } catch {
      // Not there (or not reachable): maybe the next reading of the line names it.
    }
  }
  return undefined;
}

/**
 * Reads a photo file for `receivePhoto`. The size seen by `stat` is declared, so a file that is
 * too large is refused without being read; the read itself also stops past the limit, in case
 * the file grew in between.
 */
export function filePhotoSource(file: PhotoFile): PhotoSource {
  return {
    declaredBytes: file.bytes,
    async download(signal, maxBytes) {
      const handle = await open(file.path, "r");
      try {
        let buffer = Buffer.alloc(Math.min(file.bytes, maxBytes) + 1);
        let filled = 0;
        for (;;) {
          signal.throwIfAborted();
          if (filled === buffer.length) {
            if (filled > maxBytes) throw new PhotoTooLargeError();
            // The file grew since `stat`: make room, still for at most one byte past the limit.
            const larger = Buffer.alloc(Math.min(buffer.length * 2, maxBytes + 1));
            buffer.copy(larger);
            buffer = larger;
          }
          const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
        return buffer.subarray(0, filled);
      } finally {
        await handle.close();
      }
    },
  };
}
