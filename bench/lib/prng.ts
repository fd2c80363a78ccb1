/** mulberry32: a tiny deterministic PRNG, so a seed reproduces every resident's choices. */
export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  int(maxExclusive: number): number;
  pick<T>(items: readonly T[]): T;
  /** Picks by weight; `weights` and `items` are parallel. */
  weighted<T>(items: readonly { readonly weight: number; readonly value: T }[]): T;
}

export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (maxExclusive: number) => Math.floor(next() * maxExclusive);
  return {
    next,
    int,
    pick(items) {
      if (items.length === 0) throw new Error("pick from an empty list");
      return items[int(items.length)] as (typeof items)[number];
    },
    weighted(items) {
      const total = items.reduce((sum, i) => sum + i.weight, 0);
      let roll = next() * total;
      for (const item of items) {
        roll -= item.weight;
        if (roll < 0) return item.value;
      }
      return (items.at(-1) as (typeof items)[number]).value;
    },
  };
}
