import { nastyString, type Random } from './mutate.js';

interface RawTarget {
  readonly token: string;
  readonly host: string;
}

const CRLF = '\r\n';

/**
 * Whole HTTP/1.1 requests as bytes, for what fetch will not send: bad request lines and versions, bytes no header
 * may hold, request-smuggling framings (RFC 9112 §6.3), oversized heads, folded and nameless headers. Each one is
 * complete (or broken beyond waiting for more), so the server answers at once and closes.
 */
export function rawRequest(random: Random, target: RawTarget): Buffer {
  const host = `Host: ${target.host}`;
  const auth = `Authorization: Bearer ${target.token}`;
  const close = 'Connection: close';
  const body = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"userName pr"}';
  const type = 'Content-Type: application/scim+json';
  const head = (line: string, ...headers: string[]) => `${line}${CRLF}${headers.join(CRLF)}${CRLF}${CRLF}`;
  const cases: Array<() => string | Buffer> = [
    () => head('GET /scim/v2/Users HTTP/1.1', host, auth, `X-Fuzz: ${nastyString(random)}`, close),
    () => head(`GET /scim/v2/Users/${nastyString(random)} HTTP/1.1`, host, auth, close),
    () => head('GET /scim/v2/Users?filter=userName eq "x" HTTP/1.1', host, auth, close),
    () => head('GET /scim/v2/Users HTTP/9.9', host, auth, close),
    () => head('get /scim/v2/Users HTTP/1.1', host, auth, close),
    () => head('FUZZ /scim/v2/Users HTTP/1.1', host, auth, close),
    () => head('TRACE /scim/v2/Users HTTP/1.1', host, auth, close),
    () => head('CONNECT 127.0.0.1:1 HTTP/1.1', host, auth, close),
    () => head('GET /scim/v2/Users HTTP/1.1', host, auth, 'Connection: Upgrade, close', 'Upgrade: websocket'),
    () => head(`GET http://${target.host}/scim/v2/Users HTTP/1.1`, host, auth, close),
    () => head('GET http://evil.example/scim/v2/Users HTTP/1.1', host, auth, close),
    () => head('GET scim/v2/Users HTTP/1.1', host, auth, close),
    () => head('GET * HTTP/1.1', host, auth, close),
    () => head('GET /scim/v2/Users/../../healthz HTTP/1.1', host, auth, close),
    () => head('GET /scim/v2/Users HTTP/1.0', auth),
    () => head('GET /scim/v2/Users HTTP/1.1', auth, close),
    () => head('GET /scim/v2/Users HTTP/1.1', host, host.replace('Host', 'host'), auth, close),
    () => head('GET /scim/v2/Users HTTP/1.1', host, auth, auth.replace('Bearer', 'Basic'), close),
    () => head('GET /scim/v2/Users HTTP/1.1', host, 'Authorization: Bearer', ` ${target.token}`, close),
    () => head('GET /scim/v2/Users HTTP/1.1', host, auth, 'X-No-Colon', close),
    () => head('GET /scim/v2/Users HTTP/1.1', host, auth, 'Bad Name: x', close),
    () => head('GET /scim/v2/Users HTTP/1.1', host, auth, `X-Big: ${'b'.repeat(17_000 + random.int(10_000))}`, close),
    () => `${head('POST /scim/v2/Users/.search HTTP/1.1', host, auth, type, `Content-Length: ${body.length}`, 'Transfer-Encoding: chunked', close)}${body}`,
    () => `${head('POST /scim/v2/Users/.search HTTP/1.1', host, auth, type, `Content-Length: ${body.length}`, 'Content-Length: 3', close)}${body}`,
    () => `${head('POST /scim/v2/Users/.search HTTP/1.1', host, auth, type, 'Transfer-Encoding: chunked', close)}zz${CRLF}${body}${CRLF}0${CRLF}${CRLF}`,
    () => `${head('POST /scim/v2/Users/.search HTTP/1.1', host, auth, type, 'Transfer-Encoding: chunked', close)}${body.length.toString(16)}${CRLF}${body}${CRLF}0${CRLF}${CRLF}`,
    () => `${head('POST /scim/v2/Users/.search HTTP/1.1', host, auth, type, 'Content-Length: -1', close)}${body}`,
    () => `${head('POST /scim/v2/Users/.search HTTP/1.1', host, auth, type, 'Content-Length: 1e3', close)}${body}`,
    () => `${head('POST /scim/v2/Users/.search HTTP/1.1', host, auth, type, `Content-Length: ${body.length}`, close)}${body}GET /healthz HTTP/1.1${CRLF}${CRLF}`,
    () => `${head('GET /scim/v2/Users HTTP/1.1', host, auth, type, `Content-Length: ${body.length}`, close)}${body}`,
    () => head('GET /scim/v2/Users HTTP/1.1', host, auth, close).replaceAll(CRLF, '\n'),
    () => Buffer.concat([Buffer.from('GET /scim/v2/Users/'), Buffer.from([0xc0, 0xaf, 0xff, 0xfe, 0x00]), Buffer.from(` HTTP/1.1${CRLF}${host}${CRLF}${auth}${CRLF}${close}${CRLF}${CRLF}`)]),
    () => Buffer.concat([Buffer.from(`GET /scim/v2/Users HTTP/1.1${CRLF}${host}${CRLF}${auth}${CRLF}X-Bytes: `), Buffer.from([0x00, 0x7f, 0xff, 0x0b]), Buffer.from(`${CRLF}${close}${CRLF}${CRLF}`)]),
    () => Buffer.concat([Buffer.from(Array.from({ length: 1 + random.int(200) }, () => random.int(256))), Buffer.from(`${CRLF}${CRLF}`)]),
  ];
  const made = random.pick(cases)();
  return typeof made === 'string' ? Buffer.from(made, 'latin1') : made;
}
