import t from 'tap';
import { loadConfig } from '../../src/config.js';
import { startHarness, TEST_TOKEN, userBody } from '../helpers/harness.js';

const SYNC = 'urn:scim-bridge:schemas:extension:asana:2.0:Sync';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Auth0's outbound SCIM action gives up after 1.5 s by default (docs/idps.md). */
const STRICTEST_CLIENT_TIMEOUT_MS = 1500;
/** How slowly the simulator answers every Asana call. */
const ASANA_LATENCY_MS = 6_000;
/**
 * The test proves the answer does not wait for Asana: it comes long before Asana's first answer could. The 1.5 s
 * figure itself is measured and written in docs/idps.md (the ms are printed below); this bound is wide, for a
 * shared machine (GUIDE: no timed tests).
 */
const WIDE_BOUND_MS = ASANA_LATENCY_MS - 2_000;

t.test('at the default deadline a write answers within 1.5 s however slow Asana is (issue 11 item 6)', async (t) => {
  const defaults = loadConfig({ SCIM_TOKEN: TEST_TOKEN, ASANA_TOKEN: 'asana', ASANA_WORKSPACE_GID: '1' });
  t.ok(
    defaults.ASANA_SYNC_DEADLINE_MS <= STRICTEST_CLIENT_TIMEOUT_MS - 700,
    'the default deadline leaves 700 ms of the strictest client timeout for the rest of the request',
  );
  const h = await startHarness(t, { env: { ASANA_SYNC_DEADLINE_MS: String(defaults.ASANA_SYNC_DEADLINE_MS) } });
  h.simulator.setFaults({ latencyMs: ASANA_LATENCY_MS });

  const timed = async (method: string, path: string, body: unknown) => {
    const started = performance.now();
    const response = await h.request(method, path, { body });
    return { response, ms: performance.now() - started };
  };
  const create = await timed('POST', '/Users', userBody('slow@example.com'));
  t.equal(create.response.status, 201);
  t.equal(create.response.body[SYNC].state, 'pending', 'the work is queued, and the answer says so');
  t.ok(create.ms < WIDE_BOUND_MS, `POST answered in ${Math.round(create.ms)} ms, before Asana could`);

  const patch = await timed('PATCH', `/Users/${create.response.body.id}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'replace', path: 'active', value: false }],
  });
  t.equal(patch.response.status, 200);
  t.ok(patch.ms < WIDE_BOUND_MS, `PATCH answered in ${Math.round(patch.ms)} ms`);

  const group = await timed('POST', '/Groups', { displayName: 'Slow team' });
  t.equal(group.response.status, 201);
  t.ok(group.ms < WIDE_BOUND_MS, `group POST answered in ${Math.round(group.ms)} ms, before Asana could`);
  t.equal(group.response.body['urn:scim-bridge:schemas:extension:asana:2.0:Sync'].state, 'pending');

  // Durable either way: once Asana answers again, the queued work reaches it.
  h.simulator.setFaults({});
  h.bridge.runner.wake();
  t.ok(await h.bridge.runner.drain(30_000));
  t.equal(h.simulator.users().find((u) => u.email === 'slow@example.com')?.active, false);
});
