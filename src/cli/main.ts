#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../load-config-or-exit.js';
import { auditCommand } from './audit.js';
import { openCliContext } from './context.js';
import { deprovisionsCommand } from './deprovisions.js';
import { planCommand } from './plan.js';
import { reconcileCommand } from './reconcile.js';
import { parseSince } from './since.js';
import { statusCommand } from './status.js';

const USAGE = `usage: scim-bridge <command> [options]

  status                     health, Asana token check, work queue, failed and pending resources, last reconcile
  reconcile [--restore]      compare the store with Asana now (a progress bar on a terminal); --restore queues fixes
  audit [--user EMAIL | --group NAME] [--since WHEN] [--limit N]
                             what the bridge did, oldest first; WHEN is a date/time (2026-11-30T08:00Z) or an age (24h, 7d)
  deprovisions [--list]      workspace removals the deprovisioning brake holds
  deprovisions --release (ID… | --all)
                             lets held removals (by SCIM user id) run
  plan                       the Asana calls queued work will make (the dry run's plan), per resource, with totals

  every command takes --json (audit: one JSON object per line)
  configuration comes from the same environment variables as the bridge (README, "Operating it")
`;

/** Exit codes: 0 done, 1 not healthy (status), 64 bad usage (EX_USAGE), 78 bad configuration (EX_CONFIG). */
async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h') return usage();
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...rest],
      options: {
        json: { type: 'boolean', default: false },
        restore: { type: 'boolean', default: false },
        user: { type: 'string' },
        group: { type: 'string' },
        since: { type: 'string' },
        limit: { type: 'string', default: '1000' },
        list: { type: 'boolean', default: false },
        release: { type: 'boolean', default: false },
        all: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: true,
    }));
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
  if (values.help || command === undefined || command === 'help') return usage();
  if (!['status', 'reconcile', 'audit', 'deprovisions', 'plan'].includes(command)) return usage(`unknown command: ${command}`);
  if (positionals.length > 0 && !(command === 'deprovisions' && values.release && !values.all)) {
    return usage(`unexpected argument: ${positionals[0] ?? ''}`);
  }
  if (command === 'deprovisions' && values.release && !values.all && positionals.length === 0) {
    return usage('--release needs SCIM user ids or --all');
  }
  if (values.user !== undefined && values.group !== undefined) return usage('give --user or --group, not both');
  const since = values.since === undefined ? undefined : parseSince(values.since, new Date());
  if (values.since !== undefined && since === undefined) return usage(`--since: not a date, time or age: ${values.since}`);
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) return usage('--limit must be a positive integer');

  const context = await openCliContext(loadConfigOrExit(process.env));
  try {
    switch (command) {
      case 'status':
        return await statusCommand(context, { json: values.json });
      case 'reconcile':
        return await reconcileCommand(context, { json: values.json, restore: values.restore });
      case 'deprovisions':
        return await deprovisionsCommand(context, {
          json: values.json,
          ...(values.release ? { release: values.all ? ('all' as const) : { userIds: positionals } } : {}),
        });
      case 'plan':
        return await planCommand(context, { json: values.json });
      default:
        return await auditCommand(context, {
          json: values.json,
          limit,
          ...(values.user !== undefined ? { user: values.user } : {}),
          ...(values.group !== undefined ? { group: values.group } : {}),
          ...(since !== undefined ? { since } : {}),
        });
    }
  } finally {
    await context.close();
  }
}

function usage(problem?: string): number {
  if (problem === undefined) {
    process.stdout.write(USAGE);
    return 0;
  }
  process.stderr.write(`scim-bridge: ${problem}\n\n${USAGE}`);
  return 64;
}

process.exitCode = await main(process.argv.slice(2));
