/**
 * The part of newman's Node API (newman 6, which ships no types) that run-idp-collections.ts uses: `run` with a
 * collection and environment given as JSON, and the events it emits per assertion, test script and request.
 */
declare module 'newman' {
  import type { EventEmitter } from 'node:events';

  /** A postman-collection Item or ItemGroup; the collection itself has no parent. */
  export interface NamedItem {
    readonly name: string;
    parent(): NamedItem | undefined;
  }

  export interface RunOptions {
    readonly collection: object;
    readonly environment?: object;
    readonly reporters?: string | readonly string[];
    /** Milliseconds before a request is abandoned; 0 means never. */
    readonly timeoutRequest?: number;
  }

  export interface AssertionArgs {
    readonly assertion: string;
    readonly skipped?: boolean;
    readonly error?: { readonly message: string };
    readonly item: NamedItem;
  }

  export interface RequestArgs {
    readonly item: NamedItem;
  }

  export interface ScriptArgs {
    readonly item: NamedItem;
  }

  export interface RunEmitter extends EventEmitter {
    on(event: 'assertion', listener: (error: Error | null, args: AssertionArgs) => void): this;
    on(event: 'request', listener: (error: Error | null, args: RequestArgs) => void): this;
    on(event: 'script', listener: (error: Error | null, args: ScriptArgs) => void): this;
  }

  export function run(options: RunOptions, callback: (error: Error | null) => void): RunEmitter;

  const newman: { run: typeof run };
  export default newman;
}
