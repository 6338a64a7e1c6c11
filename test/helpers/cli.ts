import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { TEST_TOKEN, type Harness } from './harness.js';

const run = promisify(execFile);

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `scim-bridge <args>` from source with the harness's store and simulator, as an operator beside the bridge. */
export function runCli(h: Harness, args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCliWith(args, {
    SCIM_TOKEN: TEST_TOKEN,
    ASANA_BASE_URL: h.simulator.url,
    ASANA_TOKEN: h.simulator.token,
    ASANA_WORKSPACE_GID: h.simulator.workspaceGid,
    DATABASE_URL: `file:${h.databasePath}`,
    HOST: '127.0.0.1',
    PORT: new URL(h.origin).port,
    ...env,
  });
}

/** Runs `scim-bridge <args>` from source with the given environment (over the test process's own). */
export async function runCliWith(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}
