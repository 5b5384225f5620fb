// Writes demo/kb/warranty.pdf, the demo knowledge base's PDF, from text the project wrote. Run: node demo/make-warranty-pdf.ts

import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { makePdf } from "../src/adapters/knowledge/ingest/test-pdf.ts";

const pages = [
  [
    "Lumen & Co. warranty",
    "",
    "Every Lumen & Co. product has a two-year warranty from the date of delivery.",
    "Furniture frames and table tops have a five-year warranty against manufacturing defects.",
    "The warranty covers defects in materials and workmanship under normal household use.",
    "It does not cover normal wear, scratches, stains, or damage from misuse or accidents.",
  ],
  [
    "Making a warranty claim",
    "",
    "To make a warranty claim, email support with your order number and photos of the defect.",
    "We answer warranty claims within three business days.",
    "If the claim is accepted, we repair or replace the item, or refund it if neither is possible.",
    "Warranty repairs and replacements ship free of charge.",
  ],
];
const bytes = await makePdf("Lumen & Co. warranty", pages);
writeFileSync(resolve(import.meta.dirname, "kb/warranty.pdf"), bytes);
console.log(`wrote demo/kb/warranty.pdf (${bytes.length} bytes)`);
