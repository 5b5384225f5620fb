// The `tandem` command line: each subcommand lives in its own module under ./commands and registers itself here.
import { Command } from "commander";

const program = new Command();
program.name("tandem").description("Tandem: hybrid AI-human customer support").showHelpAfterError();

// Subcommand registrations (one line each).

await program.parseAsync(process.argv);
