// A fixed set of connections to one DuckDB instance, each lent to one task at a time (a statement,
// or a transaction with what follows it), and a queue for the tasks that find none free. Tasks
// are served in the order they asked.
import type { DuckDBConnection } from '@duckdb/node-api';

export class ConnectionPool {
  private readonly idle: DuckDBConnection[];
  private readonly waiting: ((connection: DuckDBConnection) => void)[] = [];
  private readonly running = new Set<Promise<unknown>>();

  constructor(readonly connections: readonly DuckDBConnection[]) {
    if (connections.length === 0) throw new Error('a connection pool needs a connection');
    this.idle = [...connections];
  }

  /** Runs `task` on a connection of its own, once one is free. */
  use<T>(task: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const run = (async () => {
      const connection = this.idle.pop() ?? (await new Promise<DuckDBConnection>((resolve) => this.waiting.push(resolve)));
      try {
        return await task(connection);
      } finally {
        const next = this.waiting.shift();
        if (next === undefined) this.idle.push(connection);
        else next(connection);
      }
    })();
    this.running.add(run);
    const forget = (): void => {
      this.running.delete(run);
    };
    run.then(forget, forget);
    return run;
  }

  /** Resolves when no task runs or waits (tasks started meanwhile are waited for too). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}

/** Runs tasks one after another, each after every earlier one has finished. */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release = (): void => undefined;
    this.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    return (async () => {
      try {
        await previous;
        return await task();
      } finally {
        release();
      }
    })();
  }
}
