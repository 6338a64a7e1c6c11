import type Database from 'better-sqlite3';

/**
 * Prepared statements by SQL text. Filters compile to a bounded set of shapes (values are parameters), so
 * caching keeps the read path free of re-preparation; the bound keeps hostile filter variety from growing memory.
 */
export class StatementCache {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly maxSize = 500,
  ) {}

  get(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= this.maxSize) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
