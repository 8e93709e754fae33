// Docker Compose, used to validate docker-compose.yml (`config -q` needs no Docker engine). The
// `docker compose` plugin is used when present; otherwise a standalone Compose built from its module.
import { spawnSync } from 'node:child_process';
import { findOnPath, resolveGoTool, type GoTool, type ResolveToolOptions } from '../../src/dev/go-tool.js';

export const composeCli: GoTool = {
  name: 'docker-compose',
  goPackage: 'github.com/docker/compose/v2/cmd',
  version: 'v2.29.7',
  pathNames: ['docker-compose'],
  pathVariable: 'DOCKER_COMPOSE_PATH',
  installHint: 'Install Go, or the Docker Compose plugin (docker compose), and run again.',
};

/** The command (and leading arguments) that runs Compose. */
export async function resolveCompose(options: ResolveToolOptions = {}): Promise<string[]> {
  const docker = await findOnPath('docker', options.env ?? process.env);
  if (docker !== undefined && spawnSync(docker, ['compose', 'version'], { stdio: 'ignore' }).status === 0) {
    return [docker, 'compose'];
  }
  return [(await resolveGoTool(composeCli, options)).path];
}
