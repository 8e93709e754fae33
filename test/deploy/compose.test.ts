// docker-compose.yml is validated by Docker Compose itself (no engine needed for `config`).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveCompose } from '../support/compose-cli.js';

interface ComposeService {
  image?: string;
  build?: unknown;
  healthcheck?: { test?: unknown };
  depends_on?: Record<string, { condition: string }>;
  ports?: { host_ip?: string; target: number; published?: string }[];
}

describe('docker-compose.yml', function () {
  // A first run builds Compose from its Go module.
  this.timeout(15 * 60_000);
  let compose: string[];

  before(async () => {
    compose = await resolveCompose({ onProgress: (line) => console.error(line) });
  });

  function run(file: string, ...args: string[]) {
    return runWith(process.env, file, ...args);
  }

  function runWith(env: NodeJS.ProcessEnv, file: string, ...args: string[]) {
    const [command, ...leading] = compose;
    assert.ok(command !== undefined);
    return spawnSync(command, [...leading, '-f', file, ...args], { encoding: 'utf8', env });
  }

  /** Every published port of the rendered config: "service target -> host_ip:published". */
  function publishedPorts(env: NodeJS.ProcessEnv): string[] {
    const result = runWith(env, 'docker-compose.yml', 'config', '--format', 'json');
    assert.equal(result.status, 0, result.stderr);
    const services = (JSON.parse(result.stdout) as { services: Record<string, ComposeService> }).services;
    return Object.entries(services).flatMap(([name, service]) =>
      (service.ports ?? []).map((port) => `${name} ${port.target} -> ${port.host_ip ?? '(all interfaces)'}:${port.published ?? '(any)'}`),
    );
  }

  it('is valid for docker compose config -q', () => {
    const result = run('docker-compose.yml', 'config', '-q');
    assert.equal(result.status, 0, result.stderr);
  });

  it('wires Temporal, its schema, namespace, UI and the worker with health checks and conditions', () => {
    const result = run('docker-compose.yml', 'config', '--format', 'json');
    assert.equal(result.status, 0, result.stderr);
    const services = (JSON.parse(result.stdout) as { services: Record<string, ComposeService> }).services;
    assert.deepEqual(
      Object.keys(services).sort(),
      ['postgresql', 'temporal', 'temporal-schema', 'temporal-setup', 'temporal-ui', 'vigil-worker'],
    );
    assert.ok(services.postgresql?.healthcheck?.test, 'postgresql has a health check');
    assert.ok(services.temporal?.healthcheck?.test, 'temporal has a health check');
    assert.equal(services.temporal?.depends_on?.['temporal-schema']?.condition, 'service_completed_successfully');
    assert.equal(services['temporal-schema']?.depends_on?.postgresql?.condition, 'service_healthy');
    assert.equal(services['temporal-setup']?.depends_on?.temporal?.condition, 'service_healthy');
    assert.equal(services['vigil-worker']?.depends_on?.['temporal-setup']?.condition, 'service_completed_successfully');
    assert.ok(services['vigil-worker']?.build, 'the worker is built from the Dockerfile');
  });

  it('publishes every port on loopback only by default: Temporal and its UI have no authentication', () => {
    const { VIGIL_BIND_ADDRESS: _ignored, ...env } = process.env;
    const ports = publishedPorts(env);
    assert.ok(ports.includes('temporal 7233 -> 127.0.0.1:7233'), ports.join('\n'));
    assert.ok(ports.includes('temporal-ui 8080 -> 127.0.0.1:8080'), ports.join('\n'));
    const exposed = ports.filter((port) => !port.includes(' -> 127.0.0.1:'));
    assert.deepEqual(exposed, [], 'every published port binds to 127.0.0.1');
  });

  it('publishes on the address VIGIL_BIND_ADDRESS names', () => {
    assert.deepEqual(publishedPorts({ ...process.env, VIGIL_BIND_ADDRESS: '0.0.0.0' }), [
      'temporal 7233 -> 0.0.0.0:7233',
      'temporal-ui 8080 -> 0.0.0.0:8080',
    ]);
  });

  it('is what fails when the file is broken (the check is real)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-compose-'));
    try {
      const broken = readFileSync('docker-compose.yml', 'utf8').replace('service_healthy', 'service_maybe_healthy');
      writeFileSync(join(dir, 'docker-compose.yml'), broken);
      const result = run(join(dir, 'docker-compose.yml'), 'config', '-q');
      assert.notEqual(result.status, 0);
      assert.match(result.stderr, /condition/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
