// How every tandem command reports configuration and runtime failures: one line on stderr, a coded exit status.

import { type Config, ConfigError, loadConfig } from "../config.ts";

/** The validated configuration, or exit 2 with the list of bad variables. */
export function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`tandem: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

/** Prints `CODE: message` (or the message for Node's own ERR_ codes) and exits 1. */
export function fail(err: unknown): never {
  const code = (err as { code?: unknown }).code;
  const message = (err as Error).message;
  process.stderr.write(`tandem: ${typeof code === "string" && !code.startsWith("ERR_") ? `${code}: ${message}` : message}\n`);
  process.exit(1);
}
