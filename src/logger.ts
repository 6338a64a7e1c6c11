import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Paths pino replaces with "[redacted]" wherever they appear in a log line: credentials must never reach logs
 * (architecture rule 13), even when an object carrying them is logged by mistake.
 */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  '*.authorization',
  'token',
  '*.token',
  'SCIM_TOKEN',
  'ASANA_TOKEN',
  '*.SCIM_TOKEN',
  '*.ASANA_TOKEN',
];

/** The process logger: JSON lines, redacted. `destination` lets tests capture every line. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}
