const UNITS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `--since`: an ISO 8601 date or time (`2026-11-30`, `2026-11-30T08:00Z`), or an age such as `30m`, `24h`, `7d`
 * (as `journalctl --since` and `docker logs --since` take both). Returns an ISO timestamp, or undefined if neither.
 */
export function parseSince(value: string, now: Date): string | undefined {
  const age = /^(\d+)([mhd])$/.exec(value.trim());
  if (age) return new Date(now.getTime() - Number(age[1]) * (UNITS[age[2] ?? 'm'] ?? 0)).toISOString();
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}
