// `tandem export [--out FILE] [--redact-pii]` and `tandem import FILE`: the whole database as JSON Lines, for
// backups and moves between SQLite and PostgreSQL (see src/adapters/store/export-import.ts for the format).

import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { once } from "node:events";
import { createInterface } from "node:readline";
import type { Command } from "commander";
import { migrateToLatest, openDatabase } from "../../adapters/db/database.ts";
import { describeCounts, exportDatabase, importDatabase } from "../../adapters/store/export-import.ts";
import type { Config } from "../../config.ts";
import { endQuietlyOnClosedOutput } from "../closed-pipe.ts";
import { requireExistingDatabase } from "../database-file.ts";
import { configOrExit, fail } from "../exit.ts";

/** The migrated database; `mustExist` refuses a missing SQLite file rather than creating an empty one. */
async function openMigrated(config: Config, mustExist: boolean) {
  if (mustExist) requireExistingDatabase(config.DATABASE_URL);
  const handle = openDatabase(config.DATABASE_URL, {
    sqliteSynchronous: config.SQLITE_SYNCHRONOUS,
    poolSize: 2,
  });
  await migrateToLatest(handle);
  return handle;
}

/** Writes with backpressure, so a large export streams instead of piling up in memory. */
function lineWriter(out: WriteStream | NodeJS.WriteStream) {
  return async (line: string) => {
    if (!out.write(line)) await once(out, "drain");
  };
}

export function registerExportImportCommands(program: Command): void {
  program
    .command("export")
    .description(
      "write the whole database as JSON Lines: customers, users (with password hashes), conversations, messages, events, sign-in token hashes, the knowledge base, audits, reviews, training examples, canned responses and stored settings",
    )
    .option(
      "--out <file>",
      "write to this file (mode 600: it holds password and token hashes) instead of standard output",
    )
    .option(
      "--redact-pii",
      "mask emails, phone numbers and card numbers in customer data, messages, events, action parameters, review notes and training examples (also on with REDACT_PII=1)",
    )
    .action(async (opts: { out?: string; redactPii?: boolean }) => {
      if (!opts.out) endQuietlyOnClosedOutput();
      const config = configOrExit();
      let handle;
      try {
        // Exporting a mistyped path would write a valid, empty backup: refuse it instead.
        handle = await openMigrated(config, true);
      } catch (err) {
        fail(err);
      }
      const out = opts.out ? createWriteStream(opts.out, { mode: 0o600 }) : process.stdout;
      try {
        const counts = await exportDatabase(handle, lineWriter(out), {
          redactPii: Boolean(opts.redactPii) || config.REDACT_PII,
        });
        if (opts.out) {
          await new Promise<void>((resolve, reject) =>
            (out as WriteStream).end((err?: Error | null) => (err ? reject(err) : resolve())),
          );
          process.stderr.write(`exported ${describeCounts(counts)} to ${opts.out}\n`);
        }
      } catch (err) {
        await handle.close();
        fail(err);
      }
      await handle.close();
    });

  program
    .command("import")
    .description("load an export into an empty database (all or nothing); - reads standard input")
    .argument("<file>", "a file written by `tandem export`")
    .action(async (file: string) => {
      const config = configOrExit();
      let handle;
      try {
        // An import fills an empty database, typically a new one, so it may create the file.
        handle = await openMigrated(config, false);
      } catch (err) {
        fail(err);
      }
      try {
        const input = file === "-" ? process.stdin : createReadStream(file, { encoding: "utf8" });
        const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
        const counts = await importDatabase(handle, lines);
        process.stderr.write(`imported ${describeCounts(counts)}\n`);
      } catch (err) {
        await handle.close();
        fail(err);
      }
      await handle.close();
    });
}
