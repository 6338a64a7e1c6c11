import type { PlannedWork } from '../store/deprovisioning-store.js';
import type { AsanaWork } from '../store/mapping-store.js';
import type { CliContext } from './context.js';

/** The kinds of call `plan` counts, in the order it prints their totals. */
const CALLS = ['invite', 'remove', 'task handover', 'team create', 'team rename', 'member add', 'member remove'] as const;
type Call = (typeof CALLS)[number];

function callsOf(work: AsanaWork, handover: boolean): { call: Call; text: string }[] {
  switch (work.kind) {
    case 'addUserToWorkspace':
      return [{ call: 'invite', text: `invite ${work.email}` }];
    case 'removeUserFromWorkspace':
      return [
        ...(handover ? [{ call: 'task handover' as const, text: "task handover: open tasks to TASK_HANDOVER_TO's first active member" }] : []),
        { call: 'remove', text: `remove ${work.email} from the workspace` },
      ];
    case 'createTeam':
      return [{ call: 'team create', text: `team create "${work.name}"` }];
    case 'renameTeam':
      return [{ call: 'team rename', text: `team rename to "${work.name}"` }];
    case 'addUserToTeam':
      return [{ call: 'member add', text: `member add ${work.email}` }];
    case 'removeUserFromTeam':
      return [{ call: 'member remove', text: `member remove ${work.email}` }];
    default: {
      const never: never = work;
      throw new Error(`unknown work ${JSON.stringify(never)}`);
    }
  }
}

/**
 * `scim-bridge plan [--json]` (issue 12): the Asana calls the queued work will make, per resource, with totals;
 * with ASANA_WRITES=off this is the dry run's plan. A removal the deprovisioning brake holds is marked so.
 */
export async function planCommand(context: CliContext, options: { json: boolean }): Promise<number> {
  const handover = context.config.TASK_HANDOVER_TO.length > 0;
  const planned = await context.store.plannedWork();
  const byResource = new Map<string, { name: string | null; calls: string[] }>();
  const totals = Object.fromEntries(CALLS.map((c) => [c, 0])) as Record<Call, number>;
  for (const item of planned) {
    const entry = byResource.get(item.resourceKey) ?? { name: item.name, calls: [] };
    for (const { call, text } of callsOf(item.work, handover)) {
      totals[call] += 1;
      entry.calls.push(held(item, text));
    }
    byResource.set(item.resourceKey, entry);
  }
  const total = CALLS.reduce((sum, c) => sum + totals[c], 0);
  if (options.json) {
    const resources = [...byResource].map(([resource, { name, calls }]) => ({ resource, name, calls }));
    context.out.write(`${JSON.stringify({ asanaWrites: context.config.ASANA_WRITES, resources, totals, total })}\n`);
    return 0;
  }
  const lines = [`ASANA_WRITES=${context.config.ASANA_WRITES}: ${total} Asana call${total === 1 ? '' : 's'} planned`];
  for (const [resource, { name, calls }] of byResource) {
    lines.push(`${resource}${name === null ? ' (deleted)' : ` ${name}`}`, ...calls.map((c) => `  ${c}`));
  }
  lines.push('totals:', ...CALLS.map((c) => `  ${c.padEnd(14)} ${totals[c]}`));
  context.out.write(`${lines.join('\n')}\n`);
  return 0;
}

function held(item: PlannedWork, text: string): string {
  return item.held ? `${text} (held by the deprovisioning brake)` : text;
}
