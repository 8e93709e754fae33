// Results an activity keeps on the worker for a later one that would compute them again from the
// same rows (see row-aggregates-cache.ts), the least recently used dropped past a bound. Copies go
// in and out, so no caller can change what another one takes.
export class KeptResults<T> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly capacity: number) {}

  take(key: string): T | undefined {
    const found = this.entries.get(key);
    if (found === undefined) return undefined;
    // Used most recently: last to go.
    this.entries.delete(key);
    this.entries.set(key, found);
    return structuredClone(found);
  }

  keep(key: string, value: T): void {
    this.entries.delete(key);
    this.entries.set(key, structuredClone(value));
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(oldest);
    }
  }
}
