// The Temporal CLI, whose dev server runs the tests, the demo and `vigil dev`.
import { resolveGoTool, type GoTool, type ResolvedTool, type ResolveToolOptions } from './go-tool.js';

/**
 * The pinned CLI version, in one place. v1.5.1 is the newest tag `go install pkg@version` accepts:
 * from v1.6.0 the CLI's go.mod carries a `replace` directive, which `go install` refuses.
 */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';

export const temporalCli: GoTool = {
  name: 'temporal-cli',
  goPackage: 'github.com/temporalio/cli/cmd/temporal',
  version: TEMPORAL_CLI_VERSION,
  pathNames: ['temporal'],
  pathVariable: 'TEMPORAL_CLI_PATH',
  installHint:
    'Install Go (https://go.dev/doc/install) and run again, or install the Temporal CLI ' +
    `${TEMPORAL_CLI_VERSION} yourself and set TEMPORAL_CLI_PATH to it (or put \`temporal\` on PATH).`,
};

/** TEMPORAL_CLI_PATH wins, then a `temporal` on PATH, then the cached build (built if missing). */
export function resolveTemporalCli(options: ResolveToolOptions = {}): Promise<ResolvedTool> {
  return resolveGoTool(temporalCli, options);
}
