// Text comes out as written whatever encoding it was saved or served in: BOM, header charset, meta charset, UTF-8,
// and Windows-1252 for undeclared legacy bytes.

import { describe, expect, it } from "vitest";
import { charsetFromContentType, decodeText, metaCharset } from "./decode.ts";

const latin1 = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));
const utf16le = (s: string) => new Uint8Array([0xff, 0xfe, ...Buffer.from(s, "utf16le")]);
const utf16be = (s: string) => {
  const le = Buffer.from(s, "utf16le");
  const be = Buffer.alloc(le.length);
  for (let i = 0; i < le.length; i += 2) [be[i], be[i + 1]] = [le[i + 1]!, le[i]!];
  return new Uint8Array([0xfe, 0xff, ...be]);
};

describe("decoding text by its declared encoding", () => {
  it("uses the charset of the Content-Type header", () => {
    expect(decodeText(latin1("Café"), { contentType: "text/html; charset=iso-8859-1" })).toBe("Café");
    expect(decodeText(latin1("Café"), { contentType: 'text/plain; charset="Windows-1252"' })).toBe("Café");
  });

  it("reads an HTML meta charset when the header declares none", () => {
    // 0x80 is € in Windows-1252 (and a control character in ISO-8859-1, an invalid byte in UTF-8).
    const html = new Uint8Array([
      ...latin1('<html><head><meta charset="windows-1252"><title>Café</title></head><body>5 '),
      0x80,
      ...latin1("</body></html>"),
    ]);
    const text = decodeText(html, { contentType: "text/html", html: true });
    expect(text).toContain("<title>Café</title>");
    expect(text).toContain("5 €");
    const equiv = latin1(
      '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"><p>Crème</p>',
    );
    expect(decodeText(equiv, { html: true })).toContain("Crème");
  });

  it("lets the header win over the meta tag, and a BOM win over both", () => {
    const bytes = new Uint8Array(Buffer.from('<meta charset="windows-1252"><p>Café</p>', "utf8"));
    expect(decodeText(bytes, { contentType: "text/html; charset=utf-8", html: true })).toContain("Café");
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from("Café", "utf8")]);
    expect(decodeText(bom, { contentType: "text/plain; charset=iso-8859-1" })).toBe("Café");
  });

  it("honours UTF-16 byte order marks in either byte order", () => {
    expect(decodeText(utf16le("Café ∑"))).toBe("Café ∑");
    expect(decodeText(utf16be("Café ∑"))).toBe("Café ∑");
  });

  it("reads undeclared UTF-8 as UTF-8 and undeclared invalid UTF-8 as Windows-1252, never as U+FFFD", () => {
    expect(decodeText(new Uint8Array(Buffer.from("Café ✓", "utf8")))).toBe("Café ✓");
    const legacy = decodeText(new Uint8Array([0x43, 0x61, 0x66, 0xe9, 0x20, 0x80, 0x35]));
    expect(legacy).toBe("Café €5");
    expect(legacy).not.toContain("\uFFFD");
  });

  it("ignores unknown labels and treats a meta UTF-16 declaration as UTF-8, as browsers do", () => {
    expect(charsetFromContentType("text/html; charset=klingon")).toBeNull();
    expect(charsetFromContentType("text/html; charset=latin1")).toBe("windows-1252");
    expect(metaCharset(latin1('<meta charset="utf-16">'))).toBe("utf-8");
    expect(metaCharset(latin1(`${" ".repeat(1100)}<meta charset="windows-1252">`))).toBeNull();
  });
});
