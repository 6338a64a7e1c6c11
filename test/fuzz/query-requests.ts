import type { Draw, FuzzRequest, Resource } from './draw.js';
import { GROUP_FILTERS, SEARCH_REQUEST, USER_FILTERS } from './idp-corpus.js';
import { mutateJson, mutateString, nastyString } from './mutate.js';

const LIST_PARAMETERS = ['startIndex', 'count', 'sortBy', 'sortOrder', 'attributes', 'excludedAttributes', 'STARTINDEX', 'filter', '__proto__', 'hasOwnProperty'];
const PARAMETER_VALUES = [
  ...['1', '0', '-1', '100', '1e3', '1.5', '99999999999999999999', '-9007199254740993', ' 1', '+5', '0x10', 'NaN', '', '١'],
  ...['ascending', 'DESCENDING', 'sideways', 'userName', 'members', 'name.givenName', 'emails[type eq "work"]', 'meta.version'],
  ...['urn:ietf:params:scim:schemas:core:2.0:User:userName', 'id,,members,', 'emails.value', 'groups'],
];

/** RFC 7644 §3.4.2.2 filters: IdPs' own, then nested, repeated, truncated and mangled; by GET or POST /.search. */
export function filterRequest(d: Draw): FuzzRequest {
  const resource = d.resource();
  const filter = mutatedFilter(d, resource);
  if (d.random.chance(0.3)) {
    const search = mutateJson(d.random, { schemas: [SEARCH_REQUEST], filter, startIndex: 1, count: 10 }, d.random.int(2));
    return d.json('filter', 'POST', `${d.prefix()}/${resource}/.search`, search);
  }
  const query = `filter=${d.encode(filter)}${d.random.chance(0.5) ? `&${listParameters(d)}` : ''}`;
  return d.request('filter', 'GET', `${d.prefix()}/${resource}?${query}`);
}

/** Paging, sorting and projection parameters (RFC 7644 §3.4.2.3–3.4.2.5, §3.9) of every type but the right one. */
export function listRequest(d: Draw): FuzzRequest {
  const resource = d.resource();
  const id = d.random.chance(0.3) ? `/${d.encode(d.id(resource))}` : '';
  return d.request('list', 'GET', `${d.prefix()}/${resource}${id}?${listParameters(d)}`);
}

/** RFC 7644 §4 endpoints, by the names IdPs use and by names that are not there. */
export function discoveryRequest(d: Draw): FuzzRequest {
  const which = d.random.pick(['Schemas', 'ResourceTypes', 'ServiceProviderConfig', 'schemas']);
  const name = d.random.pick([
    'urn:ietf:params:scim:schemas:core:2.0:User',
    'URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:GROUP',
    'User',
    'Group',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
    nastyString(d.random),
  ]);
  const tail = which === 'ServiceProviderConfig' ? '' : `/${d.encode(d.random.chance(0.3) ? mutateString(d.random, name) : name)}`;
  return d.request('discovery', d.random.pick(['GET', 'GET', 'POST', 'DELETE']), `${d.prefix()}/${which}${tail}?${listParameters(d)}`);
}

function mutatedFilter(d: Draw, resource: Resource): string {
  const base = d.fillText(d.random.pick(resource === 'Users' ? USER_FILTERS : GROUP_FILTERS), false);
  switch (d.random.int(6)) {
    case 0:
      return base;
    case 1: {
      const depth = d.random.size(200);
      return `${'('.repeat(depth)}${base}${')'.repeat(d.random.chance(0.7) ? depth : d.random.int(depth + 2))}`;
    }
    case 2:
      return Array.from({ length: d.random.size(400) }, () => base).join(d.random.pick([' or ', ' and ', ' ', 'or']));
    case 3:
      return `${base} ${d.random.pick(['and', 'or', 'not', 'eq', '[', ']', ')', '(', 'pr'])} ${d.random.chance(0.5) ? base : ''}`;
    default: {
      let text = base;
      for (let i = d.random.int(4); i >= 0; i--) text = mutateString(d.random, text);
      return text;
    }
  }
}

function listParameters(d: Draw): string {
  return Array.from({ length: 1 + d.random.int(4) }, () => {
    const name = d.random.pick(LIST_PARAMETERS);
    const value = d.random.chance(0.5) ? d.random.pick(PARAMETER_VALUES) : nastyString(d.random);
    return `${d.random.chance(0.1) ? mutateString(d.random, name) : name}=${d.encode(value)}`;
  }).join('&');
}
