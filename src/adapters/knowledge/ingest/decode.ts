// Bytes to text for every text format ingestion reads, honouring the declared character encoding: help sites and
// exported files still come in ISO-8859-1, Windows-1252 and UTF-16, and decoding them as UTF-8 indexes "Caf�".
//
// Order, as in the WHATWG encoding sniffing algorithm: a byte order mark, then the charset of the Content-Type
// header, then (HTML only) a <meta> charset in the first 1024 bytes, then UTF-8. Undeclared bytes that are not
// valid UTF-8 are read as Windows-1252, the encoding such legacy files almost always use, rather than as U+FFFD.

import { IngestError } from "./types.ts";

const BOMS: [bytes: number[], encoding: string][] = [
  [[0xef, 0xbb, 0xbf], "utf-8"],
  [[0xff, 0xfe], "utf-16le"],
  [[0xfe, 0xff], "utf-16be"],
];

/** The encoding a byte order mark announces, if the bytes start with one. */
export function bomEncoding(bytes: Uint8Array): string | null {
  for (const [bom, encoding] of BOMS) if (bom.every((b, i) => bytes[i] === b)) return encoding;
  return null;
}

/** The canonical name of an encoding label TextDecoder knows ("latin1" → "windows-1252"), or null. */
export function canonicalEncoding(label: string): string | null {
  try {
    return new TextDecoder(label.trim()).encoding;
  } catch {
    return null;
  }
}

/** The charset parameter of a Content-Type header, if it names an encoding TextDecoder supports. */
export function charsetFromContentType(contentType: string | null | undefined): string | null {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? "");
  return m ? canonicalEncoding(m[1]!) : null;
}

// <meta charset="x"> and <meta http-equiv="content-type" content="text/html; charset=x">, in either attribute order.
const META_CHARSET_RE = /<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)/i;

/** The encoding an HTML document declares in a <meta> tag within its first 1024 bytes. */
export function metaCharset(bytes: Uint8Array): string | null {
  // Any ASCII-compatible decoding reads the tag itself; the declaration must come early, as browsers require.
  const head = new TextDecoder("windows-1252").decode(bytes.subarray(0, 1024));
  const m = META_CHARSET_RE.exec(head);
  const encoding = m ? canonicalEncoding(m[1]!) : null;
  // A document that could be read as ASCII to find this tag is not UTF-16, whatever it says (the HTML standard).
  return encoding?.startsWith("utf-16") ? "utf-8" : encoding;
}

export interface DecodeOptions {
  /** The Content-Type header the bytes came with, if any. */
  contentType?: string | null;
  /** Whether to look for an HTML <meta> charset. */
  html?: boolean;
}

/** Decodes bytes to text by BOM, declared charset, HTML meta charset, then UTF-8 with a Windows-1252 fallback. */
export function decodeText(bytes: Uint8Array, options: DecodeOptions = {}): string {
  const declared =
    bomEncoding(bytes) ??
    charsetFromContentType(options.contentType) ??
    (options.html ? metaCharset(bytes) : null);
  // A declared encoding is trusted: a stray bad byte becomes U+FFFD instead of failing the whole source.
  // TextDecoder strips a BOM matching the encoding.
  if (declared) return new TextDecoder(declared).decode(bytes);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("windows-1252").decode(bytes);
  }
}

// Binary data given a text name (a PNG renamed .txt, an export with the wrong extension) decodes "successfully" into
// garbage that would be indexed and cited. Text files never contain NUL and hardly any other control character, so,
// like git and file(1), a NUL or a high share of control characters marks the bytes as binary. U+FFFD counts too: a
// high share of it means the declared encoding does not fit the bytes at all.

/** Characters examined to decide text or binary: enough for a verdict, bounded for huge files. */
const SNIFF_CHARS = 64 * 1024;
/** Share of C0/C1 control characters (other than tab, line and page breaks) above which bytes are binary. */
export const MAX_CONTROL_SHARE = 0.05;
/** Share of U+FFFD above which the declared encoding is taken not to fit (stray bad bytes stay readable). */
export const MAX_REPLACEMENT_SHARE = 0.25;

// C0 controls except TAB, LF, VT, FF, CR; DEL; C1 controls (which Windows-1252 decoding yields for its 5 unused bytes).
const CONTROL_RE = /[\u0000-\u0008\u000E-\u001F\u007F-\u009F]/g;

const MAGIC: [bytes: number[], what: string][] = [
  [[0x89, 0x50, 0x4e, 0x47], "a PNG image"],
  [[0xff, 0xd8, 0xff], "a JPEG image"],
  [[0x47, 0x49, 0x46, 0x38], "a GIF image"],
  [[0x25, 0x50, 0x44, 0x46, 0x2d], "a PDF document (add it with a .pdf name)"],
  [[0x50, 0x4b, 0x03, 0x04], "a ZIP archive (or an Office document, which ingestion does not read)"],
  [[0x1f, 0x8b], "gzip-compressed data"],
  [[0x7f, 0x45, 0x4c, 0x46], "an executable"],
];

/** Why decoded text is really binary data, or null when it reads as text. */
export function binaryReason(text: string): string | null {
  const sample = text.length > SNIFF_CHARS ? text.slice(0, SNIFF_CHARS) : text;
  if (sample.length === 0) return null;
  if (sample.includes("\u0000")) return "it contains NUL bytes";
  const controls = sample.match(CONTROL_RE)?.length ?? 0;
  if (controls / sample.length > MAX_CONTROL_SHARE)
    return `${Math.round((controls / sample.length) * 100)}% of its characters are control characters`;
  const replaced = sample.match(/\uFFFD/g)?.length ?? 0;
  if (replaced / sample.length > MAX_REPLACEMENT_SHARE)
    return `${Math.round((replaced / sample.length) * 100)}% of its bytes are invalid in its declared encoding`;
  return null;
}

/**
 * Decodes the bytes of a text source (see decodeText) and refuses binary data with KB_BINARY_CONTENT, naming the
 * format when its signature is known. Control characters left in real text are removed: they carry no words, and
 * PostgreSQL refuses NUL in text columns.
 */
export function decodeTextContent(bytes: Uint8Array, label: string, options: DecodeOptions = {}): string {
  const text = decodeText(bytes, options);
  const reason = binaryReason(text);
  if (reason) {
    const kind = MAGIC.find(([magic]) => magic.every((b, i) => bytes[i] === b))?.[1];
    throw new IngestError(
      "KB_BINARY_CONTENT",
      `${label} is ${kind ?? "binary data"}, not text (${reason}): ingestion reads text files (UTF-8, a declared charset, or UTF-16 with a byte order mark) and PDF`,
    );
  }
  return text.replace(CONTROL_RE, "");
}
