// Test and demo helper: writes a small multi-page PDF with pdf-lib, so fixtures are made by the project itself.

import { PDFDocument, StandardFonts } from "pdf-lib";

/** One page per entry; each page's lines are drawn top to bottom. */
export async function makePdf(title: string, pages: string[][]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(title);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = doc.addPage([595, 842]);
    let y = 790;
    for (const line of lines) {
      page.drawText(line, { x: 50, y, size: 11, font });
      y -= 18;
    }
  }
  return doc.save();
}
