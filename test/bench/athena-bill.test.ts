import assert from 'node:assert/strict';
import { stagedStatements, stagingStatements, windowBill } from '../../bench/athena-bill.js';

describe('bench: the Athena bill of one window', () => {
  const everyStatement = (bytes: number): Map<string, number> =>
    new Map([...Object.keys(stagingStatements), ...Object.keys(stagedStatements)].map((name) => [name, bytes]));

  it('bills each statement at least 10 MB, rounded up to the megabyte, and counts the summary twice', () => {
    const read = everyStatement(2e6);
    read.set('stage-window', 25_000_001);
    read.set('distance', 12_700_000);
    const bill = windowBill(read, 26.5e6);
    // Staging: the window rounded up to 26 MB, baseline and labels at the minimum; then 9 statements
    // at the minimum (the summary twice) and the distance's 12.7 MB rounded up to 13 MB.
    assert.equal(bill.billedBytes, 26e6 + 2 * 10e6 + 9 * 10e6 + 13e6);
    const text = bill.lines.join('\n');
    assert.match(text, /3 staging statements read the sources: 29\.0 MB, 1\.1x one scan of every column of the window, labels and baseline \(26\.5 MB\)/);
    assert.match(text, /10 statements over the staged tables read 30\.7 MB/);
    assert.match(text, /13 statements billed as 149\.0 MB: \$0\.000745 a window, \$0\.272 a model-year of daily windows/);
  });

  it('names the statements it has no bytes for instead of pricing a part of the window', () => {
    const read = everyStatement(1e6);
    read.delete('facets');
    read.delete('stage-labels');
    const bill = windowBill(read, 1e6);
    assert.equal(bill.billedBytes, undefined);
    assert.equal(bill.lines[1], '  not priced: no bytes measured for stage-labels, facets');
  });
});
