import { chmod, mkdir, writeFile } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import type { OutboundFile } from "../../core/model/outbound-message.js";

/** How many "name-2.json", "name-3.json", … are tried before giving up on a free name. */
const MAX_SUFFIX = 1000;

/**
 * A file name safe in any folder: no directory parts, only letters, digits, dot, hyphen and
 * underscore, never hidden, at most 100 characters. The core names its files plainly
 * ("mydata-2026-11-27.json"); this only guards against a name that would escape the folder.
 *
 * @example
 * safeFileName("../../etc/passwd"); // "passwd"
 */
export function safeFileName(name: string): string {
  const plain = basename(name.replace(/\\/g, "/")).replace(/[^\w.-]/g, "_").replace(/^\.+/, "");
  return plain.slice(0, 100) || "file";
}

/**
 * Writes a file the bot hands over into `dir` and returns its path. The folder is created for the
 * owner only (0700) and the file readable by the owner only (0600): a data export is personal
 * data, and the data folder may sit on a machine others use. An existing file is never
 * overwritten; a second export of the same day gets "-2", "-3", … before its extension.
 *
 * @example
 * const path = await writeConsoleFile(join(dataDir, "exports"), message.file);
 */
export async function writeConsoleFile(dir: string, file: OutboundFile): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode is reduced by the umask and leaves an existing folder as it was.
  await chmod(dir, 0o700);
  const name = safeFileName(file.fileName);
  const ext = extname(name);
  const stem = ext ? name.slice(0, -ext.length) : name;
  for (let n = 1; n <= MAX_SUFFIX; n += 1) {
    const path = join(dir, n === 1 ? name : `${stem}-${n}${ext}`);
    try {
      await writeFile(path, file.bytes, { mode: 0o600, flag: "wx" });
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  throw new Error(`no free file name for ${name} in ${dir}`);
}
