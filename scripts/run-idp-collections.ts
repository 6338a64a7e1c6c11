import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { judge, loadAllowedFailures, type Verdict } from './idp-collections/allowed-failures.js';
import { microsoftCollection, oktaCollection, type IdpCollection } from './idp-collections/idp-collections.js';
import { runCollection } from './idp-collections/run-collection.js';
import { startSandbox } from './idp-collections/start-sandbox.js';

/**
 * `npm run test:idp`: runs Microsoft's SCIMReferenceCode collection and Okta's SCIM 2.0 SPEC test with newman,
 * each against a fresh bridge on a fresh Asana simulator, and checks the failures against
 * test/idp/allowed-failures.json (reasons in docs/compatibility.md). Exits non-zero on any other failure, and on
 * a listed failure that no longer fails.
 */
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const referenceDir = resolve(repo, '..', 'shared', 'reference', 'idp');
const allowedFailuresPath = join(repo, 'test', 'idp', 'allowed-failures.json');

async function runOne(idp: IdpCollection): Promise<Verdict> {
  const { collection, environment } = idp.load(referenceDir);
  const sandbox = await startSandbox();
  try {
    const results = await runCollection(collection, await idp.prepare(sandbox, environment));
    return judge(idp.id, results, loadAllowedFailures(allowedFailuresPath));
  } finally {
    await sandbox.close();
  }
}

function report(idp: IdpCollection, verdict: Verdict): void {
  const failed = verdict.allowed.length + verdict.unexpected.length;
  console.log(`${idp.title}: ${verdict.passed.length} passed, ${failed} failed (${verdict.allowed.length} listed)`);
  for (const r of verdict.unexpected) console.log(`  UNEXPECTED  ${r.request} › ${r.assertion}: ${r.message ?? ''}`);
  for (const e of verdict.stale) {
    console.log(`  NO LONGER FAILS (remove it from the list)  ${e.request} › ${e.assertion}`);
  }
}

async function main(): Promise<number> {
  const verdicts: Array<[IdpCollection, Verdict]> = [];
  for (const idp of [microsoftCollection, oktaCollection]) verdicts.push([idp, await runOne(idp)]);
  for (const [idp, verdict] of verdicts) report(idp, verdict);
  const all = verdicts.map(([, v]) => v);
  const passed = all.reduce((n, v) => n + v.passed.length, 0);
  const failed = all.reduce((n, v) => n + v.allowed.length + v.unexpected.length, 0);
  console.log('');
  console.log(`${passed} passed, ${failed} failed`);
  console.log('Listed exceptions (docs/compatibility.md):');
  for (const [idp, verdict] of verdicts) {
    for (const r of verdict.allowed) console.log(`  ${idp.id}: ${r.request} › ${r.assertion} — ${r.reason}`);
  }
  const broken = all.some((v) => v.unexpected.length > 0 || v.stale.length > 0);
  return broken ? 1 : 0;
}

process.exitCode = await main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  return 2;
});
