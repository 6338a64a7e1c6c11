import type { HeldRemoval } from '../store/deprovisioning-store.js';
import type { CliContext } from './context.js';

export interface DeprovisionsOptions {
  readonly json: boolean;
  /** `--release`: these SCIM user ids, or every held removal with `--all`. */
  readonly release?: { readonly userIds: readonly string[] } | 'all';
}

/**
 * `scim-bridge deprovisions [--list] | --release (ID… | --all)` (issue 12): the workspace removals the
 * deprovisioning brake holds, and their release. A released removal runs without counting against the brake;
 * the running bridge picks it up within a poll interval. Safe beside the bridge (one store transaction).
 */
export async function deprovisionsCommand(context: CliContext, options: DeprovisionsOptions): Promise<number> {
  if (options.release !== undefined) {
    const ids = options.release === 'all' ? undefined : options.release.userIds;
    const released = await context.store.releaseRemovals(ids, Date.now());
    if (options.json) context.out.write(`${JSON.stringify({ released })}\n`);
    else context.out.write(`released: ${released} removal${released === 1 ? '' : 's'}; the bridge carries them out now\n`);
    return released === 0 && ids !== undefined ? 1 : 0;
  }
  const held = await context.store.heldRemovals();
  if (options.json) {
    context.out.write(`${JSON.stringify({ held })}\n`);
    return 0;
  }
  context.out.write(`held removals: ${held.length}\n`);
  for (const removal of held) context.out.write(`  ${line(removal)}\n`);
  if (held.length > 0) {
    context.out.write(`${held[0]?.reason ?? ''}\nrelease: npm run deprovisions -- --release ID… | --all\n`);
  }
  return 0;
}

function line(removal: HeldRemoval): string {
  const queued = removal.queuedAt === null ? '' : `  queued ${new Date(removal.queuedAt).toISOString()}`;
  return `${removal.userId}  ${removal.userName ?? '(deleted in the IdP)'}  ${removal.email}${queued}`;
}
