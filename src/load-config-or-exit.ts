import { ConfigError, loadConfig, type Config } from './config.js';

/** For process entries: a configuration error is printed (naming the variable) and the process exits 78 (EX_CONFIG). */
export function loadConfigOrExit(env: Readonly<Record<string, string | undefined>>): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}
