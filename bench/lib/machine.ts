/** The machine and the versions a result was measured with. */
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly ramGb: number;
  readonly node: string;
  readonly prisma: string;
  readonly pglite: string;
  readonly grammy: string;
  readonly platform: string;
}

const root = join(import.meta.dirname, "..", "..");

function packageVersion(name: string): string {
  try {
    const json: unknown = JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8"));
    return typeof json === "object" && json !== null && "version" in json && typeof json.version === "string" ? json.version : "?";
  } catch {
    return "?";
  }
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? "?",
    cores: list.length,
    ramGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    prisma: packageVersion("@prisma/client"),
    pglite: packageVersion("@electric-sql/pglite"),
    grammy: packageVersion("grammy"),
    platform: `${process.platform} ${process.arch}`,
  };
}
