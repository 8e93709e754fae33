import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeyedSerial } from '../../../src/adapters/aws/keyed-serial.js';

describe('KeyedSerial', () => {
  it('runs tasks of one key one after another, even after a failure, and other keys alongside', async () => {
    const serial = new KeyedSerial();
    const events: string[] = [];
    const task = (name: string, ms: number, fail = false) => async (): Promise<string> => {
      events.push(`start ${name}`);
      await sleep(ms);
      events.push(`end ${name}`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([
      serial.run('a', task('a1', 20, true)),
      serial.run('a', task('a2', 1)),
      serial.run('b', task('b1', 5)),
    ]);
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
      ['a1', 'a2', 'b1'],
    );
    assert.deepEqual(events, ['start a1', 'start b1', 'end b1', 'end a1', 'start a2', 'end a2']);
  });
});
