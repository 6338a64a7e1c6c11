import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { OperationsOverview } from '../../provisioning/operations-overview.js';
import { requireBearer } from '../auth.js';

export interface AdminRoutesOptions {
  readonly token: string;
  readonly overview: OperationsOverview;
}

/** The page's files, read once at start: static/admin/ at the package root (from src/ and from dist/ alike). */
const ASSETS = {
  '/admin': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/admin/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/admin/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
} as const;

/** The page runs only its own script and style, and is never framed (clickjacking) or cached by a proxy. */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/**
 * The read-only admin page (issue 14), registered only when ADMIN_TOKEN is set. The page itself holds no data;
 * its script asks for the token and reads GET /admin/api/overview with it.
 */
export async function adminRoutes(app: FastifyInstance, options: AdminRoutesOptions): Promise<void> {
  const root = new URL('../../../static/admin/', import.meta.url);
  for (const [path, asset] of Object.entries(ASSETS)) {
    const body = readFileSync(new URL(asset.file, root), 'utf8');
    app.get(path, async (_request, reply) => reply.headers(PAGE_HEADERS).type(asset.type).send(body));
  }

  await app.register(async (api) => {
    api.addHook('onRequest', requireBearer(options.token, 'scim-bridge admin'));
    api.get<{ Querystring: { q?: string } }>(
      '/admin/api/overview',
      { schema: { querystring: { type: 'object', properties: { q: { type: 'string', maxLength: 256 } } } } },
      async (request, reply) =>
        reply.headers(PAGE_HEADERS).send(await options.overview.overview({ search: request.query.q })),
    );
  });
}
