// `tandem serve | migrate | demo | user add`: running and administering a Tandem node.

import type { Command } from "commander";
import { DEMO_PASSWORD, demoUsers, seedDemo } from "../../app/demo-seed.ts";
import { createUserService } from "../../app/user-service.ts";
import { configOrExit, fail } from "../exit.ts";
import { wholeNumber } from "../options.ts";
import { AppError } from "../../domain/errors.ts";
import { buildTandem, cryptoAdapter, openStore } from "../../main.ts";

export function registerServerCommands(program: Command): void {
  program
    .command("serve")
    .description("run the server (migrates the database on start)")
    .option("--demo", "seed demo agents, customer and content when the database is empty")
    .action(async (opts: { demo?: boolean }) => {
      const config = configOrExit();
      let tandem;
      try {
        tandem = await buildTandem(config, { demo: Boolean(opts.demo) });
      } catch (err) {
        fail(err);
      }
      const seeded = opts.demo ? await seedDemo(tandem.store, tandem.users) : [];
      const address = await tandem.app.listen({ port: config.PORT, host: config.HOST });
      const base = config.PUBLIC_URL ?? `http://localhost:${new URL(address).port}`;
      const lines = [
        "",
        `  Tandem is running on ${base}  (database: ${tandem.store.dialect})`,
        `    API docs        ${base}/api/docs`,
        `    Agent console   ${base}/console`,
        `    Admin           ${base}/admin`,
        `    Demo shop       ${base}/demo`,
        `    Health          ${base}/healthz`,
      ];
      if (opts.demo) {
        lines.push("", seeded.length ? "  Demo logins (password for all: " + DEMO_PASSWORD + "):" : "  Demo logins (seeded earlier; password " + DEMO_PASSWORD + "):");
        for (const u of demoUsers) lines.push(`    ${u.role.padEnd(10)} ${u.email.padEnd(22)} tier ${u.tier}  ${u.displayName}`);
      }
      process.stdout.write(`${lines.join("\n")}\n\n`);
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        tandem.app.log.info({ signal }, "shutting down");
        const timer = setTimeout(() => process.exit(1), config.SHUTDOWN_GRACE_MS).unref();
        await tandem.close();
        clearTimeout(timer);
        process.exit(0);
      };
      process.on("SIGINT", () => void stop("SIGINT"));
      process.on("SIGTERM", () => void stop("SIGTERM"));
    });

  program
    .command("migrate")
    .description("apply database migrations and exit")
    .action(async () => {
      const config = configOrExit();
      try {
        const store = await openStore(config);
        await store.close();
        process.stdout.write(`database at ${config.DATABASE_URL.startsWith("sqlite:") ? config.DATABASE_URL : "postgres"} is up to date\n`);
      } catch (err) {
        fail(err);
      }
    });

  program
    .command("demo")
    .description("seed the demo data into an empty database")
    .action(async () => {
      const config = configOrExit();
      const store = await openStore(config);
      const created = await seedDemo(store, createUserService({ store, crypto: cryptoAdapter }));
      await store.close();
      process.stdout.write(created.length ? `seeded ${created.length} demo users (password ${DEMO_PASSWORD})\n` : "the database already has users; nothing seeded\n");
    });

  const user = program.command("user").description("manage agents and administrators");
  user
    .command("add")
    .description("create a user")
    .requiredOption("--email <email>")
    .requiredOption("--password <password>")
    .requiredOption("--name <name>")
    .requiredOption("--role <role>", "agent | supervisor | admin")
    .option("--tier <tier>", "1 | 2 | 3", wholeNumber(1, 3), 1)
    .option("--skills <list>", "comma-separated skills", "")
    .option("--languages <list>", "comma-separated language codes", "en")
    .option("--capacity <n>", "concurrent conversations", wholeNumber(0, 1000), 5)
    .action(async (o: { email: string; password: string; name: string; role: string; tier: number; skills: string; languages: string; capacity: number }) => {
      if (!["agent", "supervisor", "admin"].includes(o.role)) fail(new AppError("VALIDATION_FAILED", "--role must be agent, supervisor or admin"));
      const config = configOrExit();
      const store = await openStore(config);
      try {
        const created = await createUserService({ store, crypto: cryptoAdapter }).create({
          email: o.email, password: o.password, displayName: o.name, role: o.role as "agent",
          tier: o.tier as 1 | 2 | 3, capacity: o.capacity,
          skills: o.skills.split(",").map((s) => s.trim()).filter(Boolean),
          languages: o.languages.split(",").map((s) => s.trim()).filter(Boolean),
        });
        process.stdout.write(`created ${created.role} ${created.email} (${created.id})\n`);
      } catch (err) {
        await store.close();
        fail(err);
      }
      await store.close();
    });
}
