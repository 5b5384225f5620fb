// Countries and regions named in English, for questions a list answers by what it leaves out: "Do you ship to
// Canada?" against "We ship to the European Union, the United Kingdom, Switzerland and Norway". A word list rather
// than word vectors: in the vectors "month" is nearer "Monday" (0.84) and "United" (0.62) than "Japan" is to
// "United" (0.58), so similarity cannot tell a place from a date; a gazetteer can. Names that are more often
// something else in a shop ("Jersey", "Jordan", "Chad") are left out.

import { nameFinder } from "./name-list.ts";

const COUNTRIES = `afghanistan albania algeria andorra angola antigua argentina armenia australia austria azerbaijan
bahamas bahrain bangladesh barbados belarus belgium belize benin bhutan bolivia bosnia botswana brazil brunei bulgaria
burkina faso burundi cambodia cameroon canada cape verde chile china colombia comoros congo costa rica croatia cuba
cyprus czechia czech republic denmark djibouti dominica dominican republic ecuador egypt el salvador eritrea estonia
eswatini ethiopia fiji finland france gabon gambia georgia germany ghana greece grenada guatemala guinea guyana haiti
honduras hungary iceland india indonesia iran iraq ireland israel italy jamaica japan kazakhstan kenya kiribati
kosovo kuwait kyrgyzstan laos latvia lebanon lesotho liberia libya liechtenstein lithuania luxembourg madagascar malawi
malaysia maldives mali malta mauritania mauritius mexico micronesia moldova monaco mongolia montenegro morocco
mozambique myanmar namibia nauru nepal netherlands holland new zealand nicaragua niger nigeria north korea north
macedonia norway oman pakistan palau palestine panama papua new guinea paraguay peru philippines poland portugal qatar
romania russia rwanda samoa san marino saudi arabia senegal serbia seychelles sierra leone singapore slovakia slovenia
somalia south africa south korea korea south sudan spain sri lanka sudan suriname sweden switzerland syria taiwan
tajikistan tanzania thailand togo tonga trinidad tunisia turkey turkmenistan tuvalu uganda ukraine united arab emirates
uae united kingdom uk great britain britain england scotland wales northern ireland united states usa america uruguay
uzbekistan vanuatu vatican venezuela vietnam yemen zambia zimbabwe hong kong macau puerto rico greenland faroe islands
gibraltar isle of man channel islands canary islands`;

const REGIONS = `european union eu europe scandinavia the nordics benelux asia africa oceania middle east north america
south america latin america central america caribbean`;

/** Names made of these words only, in the lists above, one name a line or space-separated single words. */
const MULTI_WORD = [
  "burkina faso",
  "cape verde",
  "costa rica",
  "czech republic",
  "dominican republic",
  "el salvador",
  "new zealand",
  "north korea",
  "north macedonia",
  "papua new guinea",
  "san marino",
  "saudi arabia",
  "sierra leone",
  "south africa",
  "south korea",
  "south sudan",
  "sri lanka",
  "united arab emirates",
  "united kingdom",
  "great britain",
  "northern ireland",
  "united states",
  "hong kong",
  "puerto rico",
  "faroe islands",
  "isle of man",
  "channel islands",
  "canary islands",
  "european union",
  "the nordics",
  "middle east",
  "north america",
  "south america",
  "latin america",
  "central america",
];

function names(): string[] {
  let text = `${COUNTRIES} ${REGIONS}`.replace(/\s+/g, " ");
  // Multi-word names first, so their words are not also read as single names ("new" of "new zealand").
  for (const m of MULTI_WORD) text = text.replace(m, " ");
  const singles = text.split(" ").filter(Boolean);
  return [...MULTI_WORD, ...singles];
}

/** The countries and regions a text names, lower-cased with single spaces, each once, in order. */
export const placesIn: (text: string) => string[] = nameFinder(names());
