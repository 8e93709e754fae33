// Test infrastructure only: the Java runtime Trino's server needs (Trino 476 refuses anything below
// 24). JAVA_HOME wins when it is new enough; otherwise the JDKs installed under /usr/lib/jvm.
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isExecutable } from '../../../src/dev/go-tool.js';

export const TRINO_MIN_JAVA = 24;

export interface JavaRuntime {
  /** The `java` executable. */
  path: string;
  major: number;
}

/** Where Debian and Ubuntu packages (and Adoptium's) install JDKs. */
const defaultJvmRoot = '/usr/lib/jvm';

/** The Java 24+ to run Trino with, or the reason there is none in `missing`. */
export async function findTrinoJava(env: NodeJS.ProcessEnv = process.env, jvmRoot = defaultJvmRoot): Promise<JavaRuntime | { missing: string }> {
  const tried: string[] = [];
  const homes: string[] = [];
  if (env.JAVA_HOME !== undefined && env.JAVA_HOME !== '') homes.push(env.JAVA_HOME);
  try {
    // Newest first, so a machine with several JDKs runs the newest.
    const entries = (await readdir(jvmRoot)).sort((a, b) => b.localeCompare(a, undefined, { numeric: true }));
    homes.push(...entries.map((entry) => join(jvmRoot, entry)));
  } catch {
    // No /usr/lib/jvm: only JAVA_HOME can answer.
  }
  for (const home of homes) {
    const java = join(home, 'bin', 'java');
    if (!(await isExecutable(java))) continue;
    const major = await javaMajor(java);
    if (major !== undefined && major >= TRINO_MIN_JAVA) return { path: java, major };
    tried.push(`${java} (${major === undefined ? 'version unknown' : `Java ${major}`})`);
  }
  return {
    missing:
      `Trino needs Java ${TRINO_MIN_JAVA}+ and none was found (JAVA_HOME, then ${jvmRoot}/*)` +
      (tried.length > 0 ? `; tried ${tried.join(', ')}` : '') +
      `. Install a JDK ${TRINO_MIN_JAVA}+ (e.g. Temurin 25) and set JAVA_HOME to it.`,
  };
}

async function javaMajor(java: string): Promise<number | undefined> {
  try {
    // `java -version` prints to stderr: `openjdk version "25.0.1" ...` or `"1.8.0_392"` for old ones.
    const { stderr } = await promisify(execFile)(java, ['-version'], { timeout: 20_000 });
    const match = /version "(\d+)(?:\.(\d+))?/.exec(stderr);
    if (match === null) return undefined;
    const first = Number(match[1]);
    return first === 1 ? Number(match[2]) : first;
  } catch {
    return undefined;
  }
}
