// The `tandem` command line: each subcommand lives in its own module under ./commands and registers itself here.
import { Command } from "commander";
import { registerServerCommands } from "./commands/server-commands.ts";
import { registerTrainCommand } from "./commands/train.ts";
import { registerTriageCommand } from "./commands/triage.ts";
import { registerKbCommands } from "./commands/kb.ts";
import { registerAskCommand } from "./commands/ask.ts";
import { registerExportImportCommands } from "./commands/export-import.ts";

const program = new Command();
program.name("tandem").description("Tandem: hybrid AI-human customer support").showHelpAfterError();

// Subcommand registrations (one line each).
registerServerCommands(program);
registerTrainCommand(program);
registerTriageCommand(program);
registerKbCommands(program);
registerAskCommand(program);
registerExportImportCommands(program);

await program.parseAsync(process.argv);
