import type { Area } from "./resident.js";

const byOrderThenName = (a: Area, b: Area) => a.name.localeCompare(b.name, "de");

/**
 * The areas a resident can call home: every area without children (the villages), then the
 * top-level areas, so someone who lives elsewhere in the municipality still has a choice.
 */
export function selectableAreas(areas: readonly Area[]): Area[] {
  const parents = new Set(areas.map((a) => a.parentId).filter((id): id is number => id !== null));
  const leaves = areas.filter((a) => !parents.has(a.id)).sort(byOrderThenName);
  const roots = areas.filter((a) => a.parentId === null && parents.has(a.id)).sort(byOrderThenName);
  return [...leaves, ...roots];
}

/** The slugs of an area and all its ancestors, nearest first. */
export function areaLineage(areas: readonly Area[], areaId: number | null): string[] {
  const byId = new Map(areas.map((a) => [a.id, a]));
  const slugs: string[] = [];
  let current = areaId === null ? undefined : byId.get(areaId);
  while (current && slugs.length < 32) {
    slugs.push(current.slug);
    current = current.parentId === null ? undefined : byId.get(current.parentId);
  }
  return slugs;
}
