import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { startHarness } from '../helpers/harness.js';
import { loadFixtures, replayFixture } from './golden-fixture.js';

/**
 * Replays every golden fixture in test/idp/<idp>/ over HTTP, each against a fresh bridge and
 * Asana simulator, so a fixture's counts and names never depend on another's.
 */
const here = dirname(fileURLToPath(import.meta.url));

for (const idp of ['okta', 'entra', 'authentik', 'jumpcloud', 'onelogin', 'rippling', 'auth0', 'google-workspace']) {
  t.test(idp, async (t) => {
    const fixtures = loadFixtures(join(here, idp));
    t.ok(fixtures.length > 0, `${idp} has fixtures`);
    for (const [file, fixture] of fixtures) {
      t.test(`${file}: ${fixture.description}`, async (t) => {
        t.ok(fixture.source, 'names its source');
        const h = await startHarness(t);
        await replayFixture(t, h, fixture);
      });
    }
  });
}
