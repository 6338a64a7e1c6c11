import type { Route } from './route.js';

/** Finds the route for a method and a path below the API base; path parameters come back decoded. */
export class ApiRouter {
  constructor(private readonly routes: readonly Route[]) {}

  match(method: string, path: string): { route: Route; params: string[] } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const found = route.pattern.exec(path);
      if (found === null) continue;
      try {
        return { route, params: found.slice(1).map((param) => decodeURIComponent(param)) };
      } catch {
        // A malformed percent-escape names nothing Asana could route.
        return undefined;
      }
    }
    return undefined;
  }
}
