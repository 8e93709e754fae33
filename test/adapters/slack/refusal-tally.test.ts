// Refusals counted per source and minute: the first reported at once, the rest at the minute's end
// or on close, a source over the limit flagged, and a timer that never keeps the process alive.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { overflowSource, RefusalTally, type RefusalReport } from '../../../src/adapters/slack/refusal-tally.js';

type Reason = 'bad_signature' | 'missing_headers' | 'rate_limited';

const t0 = Date.parse('2024-05-01T12:00:00Z');

describe('RefusalTally', () => {
  let clock: number;
  let reports: RefusalReport<Reason>[];
  let tally: RefusalTally<Reason>;

  const create = (options: { limit?: number; maxSources?: number } = {}): RefusalTally<Reason> =>
    new RefusalTally<Reason>({ now: () => clock, limit: options.limit ?? 30, maxSources: options.maxSources, report: (report) => reports.push(report) });

  beforeEach(() => {
    clock = t0;
    reports = [];
    tally = create();
  });
  afterEach(() => tally.close());

  it('reports the first refusal of a source and minute at once', () => {
    clock = t0 + 5_000;
    tally.note('10.0.0.1', 'bad_signature', 'signature does not match the body');
    assert.deepEqual(reports, [
      {
        source: '10.0.0.1',
        window: '2024-05-01T12:00:00.000Z',
        count: 1,
        firstAt: '2024-05-01T12:00:05.000Z',
        lastAt: '2024-05-01T12:00:05.000Z',
        reasons: { bad_signature: 1 },
        reason: 'bad_signature',
        detail: 'signature does not match the body',
      },
    ]);
  });

  it('only counts the rest of the minute, and close() reports the total once', () => {
    for (let index = 0; index < 10; index += 1) {
      clock = t0 + index * 1000;
      tally.note('10.0.0.1', index % 2 === 0 ? 'bad_signature' : 'missing_headers', `refusal ${index}`);
    }
    assert.equal(reports.length, 1);
    tally.close();
    assert.equal(reports.length, 2);
    assert.deepEqual(reports[1], {
      source: '10.0.0.1',
      window: '2024-05-01T12:00:00.000Z',
      count: 10,
      firstAt: '2024-05-01T12:00:00.000Z',
      lastAt: '2024-05-01T12:00:09.000Z',
      reasons: { bad_signature: 5, missing_headers: 5 },
      reason: 'bad_signature',
      detail: 'refusal 0',
    });
    tally.close();
    assert.equal(reports.length, 2, 'nothing is reported twice');
  });

  it('does not report again a window with nothing new', () => {
    tally.note('10.0.0.1', 'bad_signature', 'x');
    tally.close();
    assert.equal(reports.length, 1);
  });

  it('keeps sources apart', () => {
    tally.note('10.0.0.1', 'bad_signature', 'x');
    tally.note('10.0.0.2', 'bad_signature', 'x');
    tally.note('10.0.0.1', 'bad_signature', 'x');
    tally.close();
    assert.deepEqual(
      reports.map((report) => [report.source, report.count]),
      [
        ['10.0.0.1', 1],
        ['10.0.0.2', 1],
        ['10.0.0.1', 2],
      ],
    );
  });

  it('reports a finished minute when the next refusal comes after it, and starts a new window', () => {
    tally.note('10.0.0.1', 'bad_signature', 'x');
    tally.note('10.0.0.1', 'bad_signature', 'x');
    clock = t0 + 61_000;
    tally.note('10.0.0.1', 'missing_headers', 'y');
    assert.deepEqual(
      reports.map((report) => [report.window, report.count, report.reason]),
      [
        ['2024-05-01T12:00:00.000Z', 1, 'bad_signature'],
        ['2024-05-01T12:00:00.000Z', 2, 'bad_signature'],
        ['2024-05-01T12:01:00.000Z', 1, 'missing_headers'],
      ],
    );
  });

  it('flags a source once it reaches the limit, until the minute ends', () => {
    tally = create({ limit: 3 });
    for (let index = 0; index < 3; index += 1) {
      assert.equal(tally.overLimit('10.0.0.1'), false);
      tally.note('10.0.0.1', 'bad_signature', 'x');
    }
    assert.equal(tally.overLimit('10.0.0.1'), true);
    assert.equal(tally.overLimit('10.0.0.2'), false, 'another source is not affected');
    clock = t0 + 60_000;
    assert.equal(tally.overLimit('10.0.0.1'), false);
  });

  it('counts sources past maxSources together, and never flags that shared count', () => {
    tally = create({ limit: 2, maxSources: 2 });
    for (const source of ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5']) tally.note(source, 'bad_signature', 'x');
    tally.note('10.0.0.1', 'bad_signature', 'x');
    tally.close();
    assert.deepEqual(
      reports.map((report) => [report.source, report.count]),
      [
        ['10.0.0.1', 1],
        ['10.0.0.2', 1],
        [overflowSource, 1],
        ['10.0.0.1', 2],
        [overflowSource, 3],
      ],
    );
    assert.equal(tally.overLimit('10.0.0.4'), false);
  });

  it('reports the rest when the minute ends, on a timer', async () => {
    clock = t0 + 59_950;
    tally.note('10.0.0.1', 'bad_signature', 'x');
    tally.note('10.0.0.1', 'bad_signature', 'x');
    assert.equal(reports.length, 1);
    for (let waited = 0; reports.length < 2; waited += 10) {
      if (waited > 3000) assert.fail('the minute ended without a report');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(reports[1]?.count, 2);
  });

  it('does not keep the process alive with counts pending', async () => {
    const module = pathToFileURL(fileURLToPath(new URL('../../../src/adapters/slack/refusal-tally.ts', import.meta.url))).href;
    // The clock sits at the start of a minute, so the timer is a full minute away.
    const script = [
      `import { RefusalTally } from ${JSON.stringify(module)};`,
      `const tally = new RefusalTally({ now: () => ${t0}, limit: 30, report: () => undefined });`,
      `tally.note('10.0.0.1', 'bad_signature', 'x');`,
      `tally.note('10.0.0.1', 'bad_signature', 'x');`,
    ].join('\n');
    const started = Date.now();
    await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], { timeout: 30_000 });
    assert.ok(Date.now() - started < 30_000, 'the child exited on its own');
  });
});
