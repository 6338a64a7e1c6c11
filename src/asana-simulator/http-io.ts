import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Reply } from './route.js';
import { SimHttpError } from './sim-http-error.js';

/** Reading request bodies and writing JSON replies on node:http. */
export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new SimHttpError(400, 'Could not parse request data, invalid JSON');
  }
}

/**
 * Asana takes `{"data": {...}}` (and an optional `options`) at the top level of a JSON body and refuses
 * anything else with this message (captured real response, facts.md §2.1).
 */
export function readEnvelope(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  const body = parseJson(text);
  if (!isObject(body)) throw new SimHttpError(400, 'Request data must be a JSON object');
  const unknownKey = Object.keys(body).find((key) => key !== 'data' && key !== 'options');
  if (unknownKey !== undefined) {
    throw new SimHttpError(
      400,
      `Unrecognized request field \`${unknownKey}\`. The only allowed keys at the top level are: data, options. ` +
        'Is it possible you did not wrap object properties in a `data` object?',
    );
  }
  if (body['data'] === undefined) return {};
  if (!isObject(body['data'])) throw SimHttpError.invalid('data', 'Must be an object');
  return body['data'];
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function sendReply(response: ServerResponse, reply: Reply, pretty = false): void {
  if (response.destroyed) return;
  const headers: Record<string, string | number> = { ...reply.headers };
  if (reply.status === 204) {
    response.writeHead(204, headers).end();
    return;
  }
  const text = JSON.stringify(reply.body, null, pretty ? 2 : undefined);
  headers['content-type'] = 'application/json; charset=utf-8';
  headers['content-length'] = Buffer.byteLength(text);
  response.writeHead(reply.status, headers).end(text);
}
