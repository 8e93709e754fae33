// `vigil drift`: two CSV files compared with the monitoring statistics, with column kinds
// inferred or taken from a contract, in-process and through the real command line.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { compareFiles, type FeatureComparison } from '../../../src/client/drift/file-comparison.js';
import { parseContract } from '../../../src/domain/contract/contract.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const stores = ['mall', 'street', 'outlet'];

/** 300 rows: price cycles 10..29, qty 0..9, store and zone cycle. `shift` moves price only. */
function csv(options: { shift: number; extra: string; oddZone?: boolean }): string {
  const lines = [`price,qty,store,zone,${options.extra}`];
  for (let row = 0; row < 300; row += 1) {
    // One non-numeric zone makes the whole column categorical.
    const zone = options.oddZone === true && row === 7 ? 'n/a' : String(1 + (row % 4));
    lines.push([10 + (row % 20) + options.shift, row % 10, stores[row % 3], zone, row].join(','));
  }
  return `${lines.join('\n')}\n`;
}

const numericKeys = ['drifted', 'js_distance', 'kind', 'ks_p_value', 'ks_statistic', 'method', 'name', 'psi', 'threshold', 'wasserstein', 'wasserstein_normed'];
const categoricalKeys = ['chi2_p_value', 'chi2_statistic', 'drifted', 'js_distance', 'kind', 'linf', 'method', 'name', 'psi', 'threshold'];

function byName(features: FeatureComparison[], name: string): FeatureComparison {
  const found = features.find((feature) => feature.name === name);
  assert.ok(found !== undefined, `no entry for ${name}`);
  return found;
}

describe('file comparison (vigil drift)', function () {
  this.timeout(60_000);
  let dir: string;
  let baseline: string;
  let current: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-drift-'));
    baseline = join(dir, 'baseline.csv');
    current = join(dir, 'current.csv');
    await writeFile(baseline, csv({ shift: 0, extra: 'only_baseline' }));
    await writeFile(current, csv({ shift: 8, extra: 'only_current', oddZone: true }));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('without a contract', () => {
    let features: FeatureComparison[];
    const skipped: [string, string][] = [];

    before(async () => {
      features = await compareFiles({ baseline, current, onSkipped: (column, reason) => skipped.push([column, reason]) });
    });

    it('infers numeric and categorical columns', () => {
      assert.deepEqual(
        features.map((feature) => [feature.name, feature.kind]),
        [
          ['price', 'numeric'],
          ['qty', 'numeric'],
          ['store', 'categorical'],
          ['zone', 'categorical'],
        ],
      );
    });

    it('finds the shifted column drifted and the others not', () => {
      const price = byName(features, 'price');
      assert.equal(price.drifted, true);
      assert.equal(price.method, 'wasserstein_normed');
      assert.equal(price.threshold, 0.1);
      // Every value moved by 8: the Wasserstein distance is exactly the shift.
      assert.ok(Math.abs((price.wasserstein ?? 0) - 8) < 1e-9, `wasserstein ${price.wasserstein}`);
      assert.ok((price.wasserstein_normed ?? 0) > 1);
      assert.ok((price.ks_p_value ?? 1) < 1e-6);
      for (const name of ['qty', 'store']) {
        const entry = byName(features, name);
        assert.equal(entry.drifted, false, name);
        assert.equal(entry.js_distance, 0, name);
      }
      assert.equal(byName(features, 'qty').wasserstein, 0);
      // One row of 300 moved to a new category: far below the threshold.
      const zone = byName(features, 'zone');
      assert.equal(zone.drifted, false);
      assert.ok((zone.linf ?? 1) < 0.01);
    });

    it('reports each kind with its own statistics', () => {
      for (const entry of features) {
        const keys = Object.keys(entry).sort();
        assert.deepEqual(keys, entry.kind === 'numeric' ? numericKeys : categoricalKeys, entry.name);
      }
    });

    it('reports the columns found in only one file', () => {
      assert.deepEqual(skipped, [
        ['only_baseline', 'only in the baseline file'],
        ['only_current', 'only in the current file'],
      ]);
    });
  });

  it('takes the column kinds from a contract when one is given', async () => {
    const contract = parseContract({
      model: 'demand',
      feature_schema_version: 1,
      features: [
        { name: 'price', type: 'float' },
        // Numbers, but the contract says they are codes.
        { name: 'qty', type: 'category' },
        { name: 'store', type: 'category' },
      ],
    });
    const skipped: string[] = [];
    const features = await compareFiles({ baseline, current, contract, onSkipped: (column) => skipped.push(column) });

    assert.deepEqual(
      features.map((feature) => [feature.name, feature.kind]),
      [
        ['price', 'numeric'],
        ['qty', 'categorical'],
        ['store', 'categorical'],
      ],
    );
    const qty = byName(features, 'qty');
    assert.equal(qty.chi2_statistic, 0);
    assert.equal(qty.chi2_p_value, 1);
    assert.equal(qty.method, 'js_distance');
    assert.equal(byName(features, 'price').drifted, true);
    assert.deepEqual(skipped, [], 'with a contract no column is inferred, so none is skipped');
  });

  it('prints one JSON object from the command line', async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [join(root, 'bin', 'vigil.mjs'), 'drift', '--baseline', baseline, '--current', current, '--json'],
      { cwd: root, env: { ...process.env, NO_COLOR: '1' } },
    );
    const parsed = JSON.parse(stdout) as { features: FeatureComparison[] };
    assert.deepEqual(Object.keys(parsed), ['features']);
    assert.deepEqual(
      parsed.features.map((feature) => [feature.name, feature.kind, feature.drifted]),
      [
        ['price', 'numeric', true],
        ['qty', 'numeric', false],
        ['store', 'categorical', false],
        ['zone', 'categorical', false],
      ],
    );
    assert.match(stderr, /skipped column "only_baseline": only in the baseline file/);
  });
});
