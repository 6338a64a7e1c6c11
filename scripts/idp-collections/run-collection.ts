import newman, { type NamedItem } from 'newman';

/** One assertion of one request, as newman ran it. */
export interface AssertionResult {
  /** The request's folder path and name, e.g. "User tests with garbage/Paginate". */
  readonly request: string;
  readonly assertion: string;
  readonly passed: boolean;
  readonly message?: string;
}

/** Names a request by its folders and its own name; the collection root is left out. */
export function requestPath(item: NamedItem): string {
  const names = [item.name];
  for (let parent = item.parent(); parent?.parent() !== undefined; parent = parent.parent()) {
    names.unshift(parent.name);
  }
  return names.join('/');
}

function failure(item: NamedItem, assertion: string, error: Error): AssertionResult {
  return { request: requestPath(item), assertion, passed: false, message: error.message };
}

/**
 * Runs a collection with newman's Node API and returns every assertion. A request that got no response and a
 * test script that threw count as failed assertions too ("(request)", "(test script)"): both would otherwise
 * hide the assertions they prevented.
 */
export function runCollection(collection: object, environment: object): Promise<AssertionResult[]> {
  const results: AssertionResult[] = [];
  return new Promise((resolve, reject) => {
    newman
      .run({ collection, environment, reporters: [], timeoutRequest: 30_000 }, (error) => {
        if (error) reject(error);
        else resolve(results);
      })
      .on('assertion', (error, args) => {
        results.push({
          request: requestPath(args.item),
          assertion: args.assertion,
          passed: error === null && !args.skipped,
          ...(error ? { message: args.error?.message ?? error.message } : {}),
        });
      })
      .on('request', (error, args) => {
        if (error) results.push(failure(args.item, '(request)', error));
      })
      .on('script', (error, args) => {
        if (error) results.push(failure(args.item, '(test script)', error));
      });
  });
}
