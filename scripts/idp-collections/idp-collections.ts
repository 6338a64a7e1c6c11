import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sandbox } from './start-sandbox.js';

/** One IdP's Postman collection and how to point it at a sandbox. */
export interface IdpCollection {
  /** The key used in test/idp/allowed-failures.json. */
  readonly id: 'microsoft' | 'okta';
  readonly title: string;
  /** Reads the collection and its newman environment template from the reference folder. */
  load(referenceDir: string): { collection: object; environment: object };
  /** Puts the sandbox into the environment and creates whatever the collection presumes exists. */
  prepare(sandbox: Sandbox, environment: object): Promise<object>;
}

interface PostmanItem {
  readonly name: string;
}

interface Environment {
  readonly name: string;
  readonly values: ReadonlyArray<{ key: string; value: string; enabled?: boolean }>;
}

function readJson(referenceDir: string, file: string): unknown {
  const path = join(referenceDir, file);
  if (!existsSync(path)) {
    throw new Error(
      `${path} is missing. The IdP collections are other people's data and are not copied into this repository: ` +
        'check out the shared reference folder beside the clone (<repo>/../shared/reference/idp).',
    );
  }
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** The environment template with some values overridden (and added when the template lacks them). */
function withValues(environment: object, values: Record<string, string>): Environment {
  const template = environment as Environment;
  const kept = template.values.filter((v) => !(v.key in values));
  const added = Object.entries(values).map(([key, value]) => ({ key, value, enabled: true }));
  return { name: template.name, values: [...kept, ...added] };
}

/**
 * Microsoft's SCIMReferenceCode "SCIM Tests" (shared/reference/idp/README.md). Its "Get Token" folder calls the
 * reference server's own /Token endpoint and overwrites {{token}} with null, so it is left out; the rest runs
 * whole, including the top-level "Get all users" that newman's --folder selection would shadow.
 */
export const microsoftCollection: IdpCollection = {
  id: 'microsoft',
  title: 'Microsoft SCIMReferenceCode collection',
  load(referenceDir) {
    const collection = readJson(referenceDir, 'AzureAD-SCIMReferenceCode.PostmanCollection.json') as {
      item: PostmanItem[];
    };
    return {
      collection: { ...collection, item: collection.item.filter((item) => item.name !== 'Get Token') },
      environment: readJson(referenceDir, 'AzureAD-SCIMReferenceCode.newman-env.json') as object,
    };
  },
  async prepare(sandbox, environment) {
    return withValues(environment, {
      Protocol: 'http',
      Server: '127.0.0.1',
      Port: `:${sandbox.port}`,
      Api: 'scim/v2',
      token: sandbox.token,
    });
  },
};

/** The user Okta's SPEC test reads first ("Test Users endpoint" needs one with a name and an email). */
const OKTA_PRECONDITION_USER = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: 'okta.precondition@example.com',
  name: { givenName: 'Okta', familyName: 'Precondition' },
  emails: [{ value: 'okta.precondition@example.com', type: 'work', primary: true }],
  active: true,
};

/** Okta's SCIM 2.0 SPEC test, converted to Postman (shared/reference/idp/README.md). */
export const oktaCollection: IdpCollection = {
  id: 'okta',
  title: 'Okta SCIM 2.0 SPEC test',
  load(referenceDir) {
    return {
      collection: readJson(referenceDir, 'Okta-SCIM-20-SPEC-Test.converted.postman_collection.json') as object,
      environment: readJson(referenceDir, 'Okta-SCIM-20-SPEC-Test.newman-env.json') as object,
    };
  },
  async prepare(sandbox, environment) {
    const base = `${sandbox.origin}/scim/v2`;
    const response = await fetch(`${base}/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify(OKTA_PRECONDITION_USER),
    });
    if (response.status !== 201) throw new Error(`Creating Okta's precondition user answered ${response.status}`);
    return withValues(environment, { SCIMBaseURL: base, auth: `Bearer ${sandbox.token}`, emailDomain: 'example.com' });
  },
};
