// Bytes to text for every text format ingestion reads, honouring the declared character encoding: help sites and
// exported files still come in ISO-8859-1, Windows-1252 and UTF-16, and decoding them as UTF-8 indexes "Caf�".
//
// Order, as in the WHATWG encoding sniffing algorithm: a byte order mark, then the charset of the Content-Type
// header, then (HTML only) a <meta> charset in the first 1024 bytes, then UTF-8. Undeclared bytes that are not
// valid UTF-8 are read as Windows-1252, the encoding such legacy files almost always use, rather than as U+FFFD.

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
