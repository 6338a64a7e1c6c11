import { groupTarget, userTarget } from '../sql-targets.js';
import type { SqlFilterTarget } from '../filter-sql.js';

/** The SQLite targets (sql-targets.ts) with the JSON document read as jsonb: PostgreSQL keeps it as text. */
export const pgUserTarget: SqlFilterTarget = { ...userTarget, json: '(u.data::jsonb)' };
export const pgGroupTarget: SqlFilterTarget = { ...groupTarget, json: '(g.data::jsonb)' };
