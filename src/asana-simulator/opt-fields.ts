/**
 * Asana's `opt_fields` (facts.md §2.1): comma-separated field paths such as `email,user.name`. A path
 * `a.b` asks for field `a` and, inside it, field `b`.
 */
export class OptFields {
  private constructor(private readonly paths: readonly string[]) {}

  /** Undefined when the request has no (or an empty) opt_fields. */
  static fromQuery(query: URLSearchParams): OptFields | undefined {
    const raw = query.get('opt_fields');
    const paths = raw?.split(',').map((path) => path.trim()).filter((path) => path !== '') ?? [];
    return paths.length === 0 ? undefined : new OptFields(paths);
  }

  /** The top-level field names asked for. */
  names(): string[] {
    return this.paths.map((path) => path.split('.', 1)[0] ?? path);
  }

  /** The paths asked for inside field `name`, if any. */
  inside(name: string): OptFields | undefined {
    const prefix = `${name}.`;
    const paths = this.paths.filter((path) => path.startsWith(prefix)).map((path) => path.slice(prefix.length));
    return paths.length === 0 ? undefined : new OptFields(paths);
  }
}
