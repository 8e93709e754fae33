import assert from 'node:assert/strict';
import { windowBill, windowStatements } from '../../bench/athena-bill.js';

describe('bench: the Athena bill of one window', () => {
  const everyStatement = (bytes: number): Map<string, number> => new Map(Object.keys(windowStatements).map((name) => [name, bytes]));

  it('bills each statement at least 10 MB, rounded up to the megabyte, and counts the summary twice', () => {
    const read = everyStatement(2e6);
    read.set('distance', 112_700_001);
    const bill = windowBill(read, 26.5e6);
    // 9 statements at the 10 MB minimum (summary twice) and the distance rounded up to 113 MB.
    assert.equal(bill.billedBytes, 9 * 10e6 + 113e6);
    assert.match(bill.lines.join('\n'), /10 statements over the sources read 130\.7 MB, billed as 203\.0 MB/);
    assert.match(bill.lines.join('\n'), /read 4\.9x that/);
    assert.match(bill.lines.join('\n'), /\$0\.00102 a window/);
  });

  it('names the statements it has no bytes for instead of pricing a part of the window', () => {
    const read = everyStatement(1e6);
    read.delete('facets');
    read.delete('quarantine');
    const bill = windowBill(read, 1e6);
    assert.equal(bill.billedBytes, undefined);
    assert.equal(bill.lines[1], '  not priced: no bytes measured for quarantine, facets');
  });
});
