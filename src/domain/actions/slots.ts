// Slot extraction by patterns for the embedded mode: order ids, emails, dates and numbers out of a customer message.

export const SLOT_KINDS = ["order_id", "email", "date", "number", "text"] as const;
export type SlotKind = (typeof SLOT_KINDS)[number];

const EMAIL_RE = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/u;
// Order numbers: letters, optional dash, digits ("LC-10234", "A123456"), or a bare run of 5-12 digits after "order".
const ORDER_RE = /\b([A-Z]{1,4}-?\d{4,12})\b/i;
const ORDER_DIGITS_RE =
  /\b(?:order|commande|pedido|bestellung|ordine)\s*(?:number|no\.?|nr\.?|n[º°o]|#)?\s*[:#]?\s*(\d{5,12})\b/i;
const ISO_DATE_RE = /\b(\d{4})-(\d{2})-(\d{2})\b/;
const DMY_RE = /\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b/;
const NUMBER_RE = /(?<![\p{L}\d])(\d+(?:[.,]\d+)?)(?![\p{L}\d])/u;

/** The text with each order number ("LC-10234") written as `replacement`: "has LC-10234 shipped" says "has my order shipped". */
export function orderNumbersAs(text: string, replacement: string): string {
  return text.replace(new RegExp(ORDER_RE.source, "gi"), (m) => (/\d/.test(m) ? replacement : m));
}

function validDate(y: number, m: number, d: number): string | null {
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** The first value of the given kind in the text, normalised (emails lower-cased, dates ISO), or null. */
export function extractSlot(kind: SlotKind, text: string): string | null {
  switch (kind) {
    case "email":
      return EMAIL_RE.exec(text)?.[0].toLowerCase().replace(/\.$/, "") ?? null;
    case "order_id": {
      const withoutEmails = text.replace(new RegExp(EMAIL_RE.source, "gu"), " ");
      const m = ORDER_RE.exec(withoutEmails);
      if (m && /\d/.test(m[1]!)) return m[1]!.toUpperCase();
      return ORDER_DIGITS_RE.exec(withoutEmails)?.[1] ?? null;
    }
    case "date": {
      const iso = ISO_DATE_RE.exec(text);
      if (iso) return validDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
      // Day first: the convention in every language Tandem answers in except US English.
      const dmy = DMY_RE.exec(text);
      if (dmy) return validDate(Number(dmy[3]), Number(dmy[2]), Number(dmy[1]));
      return null;
    }
    case "number":
      return NUMBER_RE.exec(text)?.[1]?.replace(",", ".") ?? null;
    case "text": {
      const t = text.trim();
      return t ? t : null;
    }
  }
}
