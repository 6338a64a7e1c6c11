import type { ServerProcess } from './server-process.js';

/** The SCIM token every benchmark's bridge is started with (SCIM_TOKEN) and every request carries. */
export const BENCH_TOKEN = 'bench-scim-token-0123456789abcdef';

/** One SCIM request to a benchmark's bridge under /scim/v2, answering its status and parsed JSON body. */
export async function scim(server: ServerProcess, method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.origin}/scim/v2${path}`, {
    method,
    headers: { authorization: `Bearer ${BENCH_TOKEN}`, ...(body ? { 'content-type': 'application/scim+json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}
