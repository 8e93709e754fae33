// A small seeded PRNG (mulberry32) with Box-Muller normals. Seeded so the demo data is identical
// on every machine and run; a few lines, so no dependency.

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Normal with the given mean and standard deviation. */
  normal(mean: number, sd: number): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** One of the items, with the given weights (summing to any positive total). */
  weighted<T>(items: readonly (readonly [T, number])[]): T;
}

/** Mixes a seed with stream numbers, so each day gets an independent, reproducible stream. */
export function deriveSeed(seed: number, ...streams: number[]): number {
  let hash = Math.trunc(seed) >>> 0;
  for (const stream of [...streams, streams.length]) {
    // murmur3's 32-bit finaliser: cheap, and nearby inputs give unrelated outputs.
    hash = Math.imul(hash ^ (Math.trunc(stream) >>> 0), 0x9e3779b1) >>> 0;
    hash ^= hash >>> 16;
    hash = Math.imul(hash, 0x85ebca6b) >>> 0;
    hash ^= hash >>> 13;
    hash = Math.imul(hash, 0xc2b2ae35) >>> 0;
    hash ^= hash >>> 16;
  }
  return hash >>> 0;
}

export function createRandom(seed: number): Random {
  let state = Math.trunc(seed) >>> 0;
  const next = (): number => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    normal(mean, sd) {
      // Box-Muller; 1 - u keeps the logarithm's argument in (0, 1].
      const u = 1 - next();
      const v = next();
      return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    uniform(min, max) {
      return min + (max - min) * next();
    },
    chance(p) {
      return next() < p;
    },
    weighted(items) {
      const total = items.reduce((sum, [, weight]) => sum + weight, 0);
      let draw = next() * total;
      for (const [item, weight] of items) {
        draw -= weight;
        if (draw < 0) return item;
      }
      const last = items[items.length - 1];
      if (last === undefined) throw new Error('weighted() needs at least one item');
      return last[0];
    },
  };
}
