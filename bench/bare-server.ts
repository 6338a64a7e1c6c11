/**
 * The floor of the read benchmark: bare node:http answering a constant body, started, pinned and loaded exactly
 * as the bridge is (bench/read-bench.ts), so "what Node itself costs on this machine" is measured, not assumed.
 */
import { createServer } from 'node:http';

const body = JSON.stringify({ hello: 'world' });
createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}).listen(Number(process.env['PORT']), '127.0.0.1');
process.once('SIGTERM', () => process.exit(0));
