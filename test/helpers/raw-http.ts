import { connect } from 'node:net';

/** What came back on a raw TCP connection, and whether the server closed it. */
export interface RawExchange {
  /** The server closed the connection (false: the client gave up after `giveUpMs`). */
  readonly closedByServer: boolean;
  /** Status of the first response on the connection, if one arrived. */
  readonly status?: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface RawOptions {
  /** Bytes sent at once on connecting (may be empty, or not valid HTTP at all). */
  readonly send: string | Buffer;
  /** Then sent one byte at a time, `everyMs` apart, while the connection stays open: a slow client. */
  readonly trickle?: { readonly bytes: string; readonly everyMs: number };
  /** The client closes the connection itself after this long. */
  readonly giveUpMs: number;
}

/**
 * One exchange over a bare socket, for what fetch refuses to send: malformed request lines, bytes no header may
 * hold, partial requests, clients that stall. Resolves when the server closes the connection or at `giveUpMs`.
 */
export function rawExchange(origin: string, options: RawOptions): Promise<RawExchange> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let trickleTimer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearInterval(trickleTimer);
      socket.destroy();
      resolve({ closedByServer, ...parseResponse(Buffer.concat(chunks)) });
    };
    const socket = connect(Number(port), hostname, () => {
      if (options.send.length > 0) socket.write(options.send);
      const trickle = options.trickle;
      if (trickle) {
        let next = 0;
        trickleTimer = setInterval(() => {
          if (next < trickle.bytes.length && socket.writable) socket.write(trickle.bytes[next++] ?? '');
        }, trickle.everyMs);
      }
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined); // a reset after the server's answer still ends in 'close'
    socket.on('close', () => finish(true));
    const timer = setTimeout(() => finish(false), options.giveUpMs);
  });
}

function parseResponse(raw: Buffer): Omit<RawExchange, 'closedByServer'> {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return { headers: {}, body: '' };
  const [statusLine = '', ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1];
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = raw.subarray(end + 4);
  const length = Number(headers['content-length']);
  const body = (Number.isInteger(length) ? rest.subarray(0, length) : rest).toString('utf8');
  return { ...(status !== undefined ? { status: Number(status) } : {}), headers, body };
}
