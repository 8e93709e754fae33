// The chaos runs' worker supervisor, over a stand-in worker (a Node process that says it polls and
// waits). The orphan check counts workers whose exit the supervisor has not seen: an aws run (seed
// 2) was once failed by a kill(pid, 0) probe that found another process under a dead worker's pid.
import assert from 'node:assert/strict';
import { workerSupervisor } from './worker-supervisor.js';

const standIn = ['-e', "process.stderr.write('vigil: worker on task queue chaos\\n'); setInterval(() => undefined, 1000);"];

describe('chaos worker supervisor', function () {
  this.timeout(30_000);

  it('counts a worker as not exited until its exit is seen, and none after kills and the stop', async () => {
    const workers = workerSupervisor({ configPath: 'unused.yaml', temporalAddress: '127.0.0.1:1', args: standIn });
    await workers.start();
    const [first] = workers.unexited();
    assert.equal(workers.unexited().length, 1);
    await workers.kill();
    assert.deepEqual(workers.unexited(), []);
    await workers.start();
    assert.equal(workers.unexited().length, 1);
    assert.notEqual(workers.unexited()[0], first);
    await workers.stop();
    assert.equal(workers.started(), 2);
    assert.deepEqual(workers.unexited(), [], 'every worker exited');
  });
});
