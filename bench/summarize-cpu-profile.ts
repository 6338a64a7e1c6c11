import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** The parts of V8's .cpuprofile format (what `node --cpu-prof` writes) that a summary needs. */
interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  samples: number[];
  timeDeltas: number[];
}

export interface SummaryOptions {
  /** Leave out the first milliseconds of the profile: process start-up and warm-up are not the steady state. */
  readonly skipMs?: number;
  /** Rows per ranking. */
  readonly top?: number;
}

export interface ProfileShare {
  readonly name: string;
  /** Share of busy (non-idle) CPU time, 0..1. */
  readonly share: number;
}

export interface ProfileSummary {
  readonly busyMs: number;
  /** Where the time was spent, by package or src/ folder, each sample counted once (self time). */
  readonly selfByOwner: readonly ProfileShare[];
  readonly selfByFunction: readonly ProfileShare[];
  /** Time spent in a function or anything it called (a stack counts once per function on it). */
  readonly inclusiveByFunction: readonly ProfileShare[];
  /** Time with a frame of the owner anywhere on the stack, e.g. "everything pino caused". */
  readonly inclusiveByOwner: readonly ProfileShare[];
}

const NOT_BUSY = new Set(['(idle)', '(root)']);

/** Who a frame belongs to: an npm package, a src/ folder, Node itself, or V8's own pseudo-frames. */
function ownerOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg?.[1]) return pkg[1];
  if (url.startsWith('node:')) return 'node: core';
  const ours = /\/(src|bench)\/(?:([^/]+)\/)?/.exec(url);
  if (ours?.[1]) return ours[2] ? `${ours[1]}/${ours[2]}` : ours[1];
  return url;
}

function frameName(frame: CpuProfile['nodes'][number]['callFrame']): string {
  const file = frame.url.replace(/^.*\/(node_modules|src|bench)\//, '$1/').replace(/^file:\/\//, '');
  return `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
}

function ranked(totals: Map<string, number>, busy: number, top: number): ProfileShare[] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => ({ name, share: us / busy }));
}

/** Reads a .cpuprofile and says where the busy time went. */
export function summarizeCpuProfile(path: string, options: SummaryOptions = {}): ProfileSummary {
  const top = options.top ?? 25;
  const skipUs = (options.skipMs ?? 0) * 1000;
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const selfOwner = new Map<string, number>();
  const selfFunction = new Map<string, number>();
  const inclusiveFunction = new Map<string, number>();
  const inclusiveOwner = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
  let busy = 0;
  let elapsedUs = 0;
  profile.samples.forEach((leafId, index) => {
    const us = profile.timeDeltas[index] ?? 0;
    elapsedUs += us;
    const leaf = byId.get(leafId);
    if (elapsedUs < skipUs || !leaf || NOT_BUSY.has(leaf.callFrame.functionName)) return;
    busy += us;
    add(selfOwner, ownerOf(leaf.callFrame.url, leaf.callFrame.functionName), us);
    add(selfFunction, frameName(leaf.callFrame), us);
    const functions = new Set<string>();
    const owners = new Set<string>();
    for (let id: number | undefined = leafId; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)?.callFrame;
      if (!frame || NOT_BUSY.has(frame.functionName)) continue;
      functions.add(frameName(frame));
      owners.add(ownerOf(frame.url, frame.functionName));
    }
    for (const name of functions) add(inclusiveFunction, name, us);
    for (const name of owners) add(inclusiveOwner, name, us);
  });
  return {
    busyMs: busy / 1000,
    selfByOwner: ranked(selfOwner, busy, top),
    selfByFunction: ranked(selfFunction, busy, top),
    inclusiveByFunction: ranked(inclusiveFunction, busy, top * 2),
    inclusiveByOwner: ranked(inclusiveOwner, busy, top),
  };
}

export function formatProfileSummary(summary: ProfileSummary): string {
  const section = (title: string, rows: readonly ProfileShare[]) =>
    [`${title}`, ...rows.map((r) => `  ${(r.share * 100).toFixed(1).padStart(5)}%  ${r.name}`)].join('\n');
  return [
    `busy CPU: ${summary.busyMs.toFixed(0)} ms`,
    section('self time by owner', summary.selfByOwner),
    section('self time by function', summary.selfByFunction),
    section('inclusive time by owner', summary.inclusiveByOwner),
    section('inclusive time by function', summary.inclusiveByFunction),
  ].join('\n');
}

// `node --import tsx bench/summarize-cpu-profile.ts <file.cpuprofile> [skipMs]` summarizes any profile.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [file, skipMs] = process.argv.slice(2);
  if (file === undefined) throw new Error('usage: summarize-cpu-profile.ts <file.cpuprofile> [skipMs]');
  process.stdout.write(`${formatProfileSummary(summarizeCpuProfile(file, { skipMs: Number(skipMs ?? 0) }))}\n`);
}
