// Which Java runs Trino (test/support/trino/java.ts): JAVA_HOME only when it is 24 or newer, then
// the newest JDK under the JVM folder; with none, a reason naming what was tried, which the Trino
// suites skip with. Uses the JDKs installed on the machine.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTrinoJava, TRINO_MIN_JAVA } from '../support/trino/java.js';
import { pathExists } from '../../src/adapters/shared/path-exists.js';

const java17 = '/usr/lib/jvm/java-17-openjdk-amd64';


describe('the Java that runs Trino', () => {
  let empty: string;
  before(async function () {
    if (!(await pathExists(join(java17, 'bin', 'java')))) {
      console.error(`skipping: needs a Java 17 at ${java17} to stand for a JDK too old for Trino`);
      this.skip();
    }
    empty = await mkdtemp(join(tmpdir(), 'vigil-no-jvm-'));
  });
  after(async () => {
    if (empty !== undefined) await rm(empty, { recursive: true, force: true });
  });

  it('refuses a JAVA_HOME older than 24 and says what it tried', async () => {
    const found = await findTrinoJava({ JAVA_HOME: java17 }, empty);
    assert.ok('missing' in found, 'no runtime expected');
    assert.match(found.missing, new RegExp(`needs Java ${TRINO_MIN_JAVA}\\+`));
    assert.ok(found.missing.includes(`${java17}/bin/java (Java 17)`), found.missing);
    assert.ok(found.missing.includes('JAVA_HOME'), found.missing);
  });

  it('passes over an old JAVA_HOME to a new enough JDK under the JVM folder', async function () {
    const found = await findTrinoJava({ JAVA_HOME: java17 });
    if ('missing' in found) {
      console.error(`skipping: ${found.missing}`);
      this.skip();
    }
    assert.ok(found.major >= TRINO_MIN_JAVA);
    assert.notEqual(found.path, join(java17, 'bin', 'java'));
  });
});
