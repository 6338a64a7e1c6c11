import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { startAsanaSimulator } from '../../src/asana-simulator/index.js';
import { startBridgeProcess } from '../helpers/bridge-process.js';
import { userBody } from '../helpers/harness.js';

t.test('SIGTERM drains the request in flight, then exits 0', async (t) => {
  const simulator = await startAsanaSimulator({ faults: { latencyMs: 1500 } });
  t.teardown(() => simulator.close());
  const dir = mkdtempSync(join(tmpdir(), 'scim-bridge-drain-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const bridge = await startBridgeProcess(simulator, join(dir, 'bridge.db'));
  t.teardown(() => bridge.kill());
  const exited = new Promise<number | null>((resolve) => bridge.child.once('exit', (code) => resolve(code)));

  // The create waits on Asana for 1.5 s; the signal arrives meanwhile.
  const inFlight = bridge.request('POST', '/Users', userBody('drain@example.com'));
  await new Promise((resolve) => setTimeout(resolve, 300));
  bridge.child.kill('SIGTERM');
  const response = await inFlight;
  t.equal(response.status, 201, 'the request in flight was answered');
  // Without this the kept-alive socket would hold the shutdown open until the keep-alive timeout (72 s).
  t.equal(response.headers.get('connection'), 'close', 'and told the client to close its connection');
  t.equal(await exited, 0, 'clean exit');
  t.equal(simulator.users().filter((u) => u.email === 'drain@example.com').length, 1);
});
