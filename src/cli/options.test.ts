import { Command, CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import { wholeNumber } from "./options.ts";

/** Parses `args` for a one-option command the way `tandem` does, capturing the usage error instead of exiting. */
function parse(args: string[]): { value?: number; error?: CommanderError; stderr: string } {
  let stderr = "";
  let value: number | undefined;
  const program = new Command()
    .exitOverride()
    .configureOutput({ writeErr: (s) => (stderr += s), writeOut: () => {} });
  program
    .command("ask")
    .option("--k <n>", "passages", wholeNumber(1, 100), 5)
    .action((opts: { k: number }) => {
      value = opts.k;
    });
  try {
    program.parse(["node", "tandem", "ask", ...args]);
  } catch (err) {
    if (err instanceof CommanderError) return { error: err, stderr };
    throw err;
  }
  return { ...(value !== undefined ? { value } : {}), stderr };
}

describe("whole-number options", () => {
  it.each([["1"], ["100"], ["+7"], [" 42 "]])("accepts %j", (text) => {
    expect(parse(["--k", text]).value).toBe(Number(text));
  });

  it("keeps the default when the option is absent", () => {
    expect(parse([]).value).toBe(5);
  });

  it.each([
    ["0"],
    ["-1"],
    ["101"],
    ["1000000"],
    ["abc"],
    ["1.5"],
    ["1.0"],
    ["1e1"],
    ["0x10"],
    ["5abc"],
    [""],
    ["99999999999999999999"],
  ])("refuses %j with a one-line usage error naming the option and the range", (text) => {
    const { error, stderr } = parse(["--k", text]);
    expect(error?.code).toBe("commander.invalidArgument");
    expect(error?.exitCode).toBe(1);
    expect(stderr).toBe(
      `error: option '--k <n>' argument '${text}' is invalid. Expected a whole number from 1 to 100.\n`,
    );
  });

  it("refuses a range that cannot hold any number", () => {
    expect(() => wholeNumber(5, 1)).toThrow(RangeError);
  });
});
