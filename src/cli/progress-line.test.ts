import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import stringWidth from "string-width";
import { afterAll, describe, expect, it } from "vitest";
import { fitColumns, progressFor, progressText, type TerminalStream } from "./progress-line.ts";

/** A stream that records what is written to it. */
function sink(isTTY: boolean, columns?: number): TerminalStream & { text: string } {
  return {
    isTTY,
    ...(columns !== undefined ? { columns } : {}),
    text: "",
    write(t: string) {
      this.text += t;
      return true;
    },
  };
}

/**
 * The screen a terminal `columns` wide (and tall enough not to scroll) shows after `output`: printable characters
 * (wrapping at the edge unless wrapping is off), "\r", "\n", erase in line (CSI K, 0K, 2K), cursor to column
 * (CSI G), save and restore cursor (ESC 7, ESC 8), wrapping on and off (CSI ?7h/l) and cursor visibility (ignored).
 * `rows` are the screen rows; `lines` join each soft-wrapped row back onto the row it continues. Anything else is
 * returned in `unexpected`, so a test sees every control sequence a display relies on.
 */
function screen(output: string, columns: number): { rows: string[]; lines: string[]; unexpected: string[] } {
  const cells: string[][] = [[]];
  const continues: boolean[] = [false];
  const unexpected: string[] = [];
  let row = 0;
  let col = 0;
  let wrap = true;
  let saved = { row: 0, col: 0 };
  const moveTo = (r: number, wrapped: boolean) => {
    row = r;
    col = 0;
    cells[row] ??= [];
    continues[row] = wrapped;
  };
  for (let i = 0; i < output.length; ) {
    const rest = output.slice(i);
    const csi = /^\x1b\[(\??)(\d*)([A-Za-z])/.exec(rest);
    if (csi) {
      const [all, priv, num, op] = csi as unknown as [string, string, string, string];
      const line = cells[row] as string[];
      if (!priv && op === "K" && (num === "" || num === "0")) line.length = Math.min(line.length, col);
      else if (!priv && op === "K" && num === "2") line.length = 0;
      else if (!priv && op === "G") col = Math.max(0, Number(num || "1") - 1);
      else if (priv && num === "7") wrap = op === "h";
      else if (!(priv && num === "25")) unexpected.push(JSON.stringify(all));
      i += all.length;
      continue;
    }
    if (rest.startsWith("\x1b7") || rest.startsWith("\x1b8")) {
      if (rest[1] === "7") saved = { row, col };
      else ({ row, col } = saved);
      i += 2;
      continue;
    }
    const cp = rest.codePointAt(0) as number;
    const ch = String.fromCodePoint(cp);
    i += ch.length;
    if (ch === "\r") col = 0;
    else if (ch === "\n") moveTo(row + 1, false);
    else if (cp < 0x20 || cp === 0x7f) unexpected.push(JSON.stringify(rest.slice(0, 4)));
    else {
      const w = stringWidth(ch);
      if (col + w > columns) {
        if (wrap) moveTo(row + 1, true);
        else col = columns - w; // without wrapping, the last column is overwritten
      }
      const line = cells[row] as string[];
      while (line.length < col) line.push(" ");
      line[col] = ch;
      for (let k = 1; k < w; k++) line[col + k] = "";
      col += w;
    }
  }
  const rows = cells.map((r) => r.join("").trimEnd());
  const lines: string[] = [];
  for (const [r, line] of cells.entries()) {
    if (continues[r] && lines.length > 0) lines[lines.length - 1] += line.join("");
    else lines.push(line.join(""));
  }
  return { rows, lines: lines.map((l) => l.trimEnd()), unexpected };
}

describe("fitColumns", () => {
  it("leaves text that fits alone", () => {
    expect(fitColumns("shipping.md", 11)).toBe("shipping.md");
  });

  it("cuts at the end or, for paths, at the start, marking the cut", () => {
    expect(fitColumns("abcdefghij", 6)).toBe("abcde…");
    expect(fitColumns("/docs/a/shipping.md", 12, "start")).toBe("…shipping.md");
  });

  it("counts wide characters as two columns and never splits a character or an emoji", () => {
    const cut = fitColumns("配送と返品のご案内", 9);
    expect(cut).toBe("配送と返…");
    expect(stringWidth(cut)).toBeLessThanOrEqual(9);
    expect(fitColumns("👩‍👩‍👧‍👦👩‍👩‍👧‍👦👩‍👩‍👧‍👦", 5)).toBe("👩‍👩‍👧‍👦👩‍👩‍👧‍👦…");
  });
});

describe("progressText", () => {
  it("shows a bar, the count and the label", () => {
    expect(progressText(1, 4, "returns.md", 80)).toBe("[#####---------------] 1/4 returns.md");
    expect(progressText(1, 4, "returns.md", 120)).toBe("[######------------------] 1/4 returns.md");
  });

  it("never fills the terminal's last column, whatever the label", () => {
    for (const columns of [20, 39, 40, 60, 80, 200]) {
      const text = progressText(2, 3, `https://example.com/${"very-long-path/".repeat(20)}faq.html`, columns);
      expect(stringWidth(text)).toBeLessThanOrEqual(columns - 1);
      if (columns >= 40) expect(text).toMatch(/faq\.html$/);
    }
  });

  it("drops the bar on a narrow terminal and the label when it would be unreadable", () => {
    expect(progressText(2, 3, "faq.html", 30)).toBe("2/3 faq.html");
    expect(progressText(2, 3, "a-long-label.md", 10)).toBe("2/3");
  });

  it("replaces control characters and direction overrides in a label, so it cannot move the cursor", () => {
    expect(progressText(0, 1, "evil\x1b[2J\nname\u202e.md", 200)).toBe(
      "[------------------------] 0/1 evil?[2J?name?.md",
    );
  });
});

describe("progressFor", () => {
  it("redraws one line in place with a carriage return and erase-to-end-of-line, and ends it with a newline", () => {
    const err = sink(true, 50);
    const p = progressFor(err, 2, {});
    p.update(0, "a.md");
    p.update(0, "a.md"); // unchanged: no output
    p.update(1, "b.md");
    p.finish();
    p.update(2, "late"); // after finish: nothing
    expect(err.text).toBe("\r[------------] 0/2 a.md\x1b[K\r[######------] 1/2 b.md\x1b[K\n");
  });

  it("prints lines above the progress line, never glued to it, on the same terminal", () => {
    const tty = sink(true, 60);
    const out = {
      isTTY: true,
      write: (t: string) => tty.write(t),
    };
    const p = progressFor(tty, 3, {});
    for (const [i, name] of [
      "shipping.md",
      "returns.md",
      "a/very/long/path/to/the/warranty-and-guarantee.pdf",
    ].entries()) {
      p.update(i, name);
      p.print(out, `src_${i}  ${name}: 1 documents, 3 chunks`);
    }
    p.print(tty, "error KB_NOT_FOUND: nope.md: no such file");
    p.update(3, "done");
    p.finish();
    const { lines, unexpected } = screen(tty.text, 60);
    expect(unexpected).toEqual([]);
    // The third line is longer than the terminal and wraps, as any long line does; it is still whole.
    expect(lines).toEqual([
      "src_0  shipping.md: 1 documents, 3 chunks",
      "src_1  returns.md: 1 documents, 3 chunks",
      "src_2  a/very/long/path/to/the/warranty-and-guarantee.pdf: 1 documents, 3 chunks",
      "error KB_NOT_FOUND: nope.md: no such file",
      "[###############] 3/3 done",
      "",
    ]);
  });

  it("leaves report lines for a redirected stdout untouched by the bar", () => {
    const err = sink(true, 60);
    const file = sink(false);
    const p = progressFor(err, 1, {});
    p.update(0, "a.md");
    p.print(file, "src_1  a.md: 1 documents, 1 chunks");
    p.finish();
    expect(file.text).toBe("src_1  a.md: 1 documents, 1 chunks\n");
    expect(screen(err.text, 60).rows).toEqual(["[---------------] 0/1 a.md", ""]);
  });

  it("shows no progress and passes lines through when the stream is not a terminal or TERM is dumb", () => {
    for (const [stream, env] of [
      [sink(false, 80), {}],
      [sink(true, 80), { TERM: "dumb" }],
    ] as const) {
      const p = progressFor(stream, 2, env);
      p.update(1, "a.md");
      p.print(stream, "a line");
      p.finish();
      expect(stream.text).toBe("a line\n");
    }
  });
});

// End to end on a real pseudo-terminal, through util-linux `script`, where the old cli-progress bar garbled lines.
const SCRIPT = ["/usr/bin/script", "/bin/script"].find((p) => existsSync(p));
// CI (TANDEM_STRICT=1) installs util-linux's `script`: there a missing one is a failure, never a silent skip.
if (SCRIPT === undefined && process.env.TANDEM_STRICT === "1")
  throw new Error("`script` (bsdutils) is required in strict mode (TANDEM_STRICT=1)");
const BIN = resolve(import.meta.dirname, "../../bin/tandem.js");
const DEMO = resolve(import.meta.dirname, "../../demo/kb");
const dir = mkdtempSync(join(tmpdir(), "tandem-progress-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(SCRIPT === undefined)("tandem kb add on a terminal", () => {
  it("keeps every report and error line whole and leaves one final progress line", () => {
    const deep = join(dir, "a-rather-long-directory-name-for-the-documentation");
    mkdirSync(deep, { recursive: true });
    const doc = join(deep, "opening-hours-and-holiday-schedule-for-customer-support.md");
    writeFileSync(doc, "# Opening hours\n\nThe support team answers from 9 to 17 on weekdays.\n");
    const missing = join(dir, "nope.md");
    const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
    const command = [
      "stty cols 60 rows 40;",
      q(process.execPath),
      q(BIN),
      "kb add",
      q(doc),
      q(join(DEMO, "shipping.md")),
      q(missing),
    ].join(" ");
    const env = {
      ...process.env,
      DATABASE_URL: `sqlite:${join(dir, "kb.db")}`,
      LLM_BASE_URL: "",
      LLM_MODEL: "",
      TERM: "xterm",
    };
    // The database exists beforehand, so the terminal shows only what `kb add` reports about its sources.
    spawnSync(process.execPath, [BIN, "kb", "add", join(DEMO, "returns.md")], { env, stdio: "ignore" });
    const r = spawnSync(SCRIPT as string, ["-qec", command, "/dev/null"], {
      encoding: "utf8",
      timeout: 60_000,
      env,
    });
    expect(r.status).toBe(1); // one source failed
    const { lines: all, unexpected } = screen(r.stdout.replaceAll("\r\n", "\n"), 60);
    expect(all).toEqual([
      expect.stringMatching(
        /^src_[0-9a-f]{16} {2}opening-hours-and-holiday-schedule-for-customer-support\.md: 1 documents, 1 chunks$/,
      ),
      expect.stringMatching(/^src_[0-9a-f]{16} {2}shipping\.md: 1 documents, \d+ chunks$/),
      `error KB_NOT_FOUND: ${missing}: no such file: ${missing}`,
      "[###############] 3/3 1 failed",
      "", // the run ends with a newline: the shell prompt starts on a line of its own
    ]);
    expect(unexpected).toEqual([]);
    // Only "\r" and erase-to-end-of-line move anything: no saved cursor, no wrapping switched off, no hidden cursor.
    expect(r.stdout).not.toMatch(/\x1b[78]|\x1b\[\?/);
  }, 60_000);
});
