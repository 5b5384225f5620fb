// Types for the one file of `vader-sentiment` Tandem imports: its lexicon, word -> valence on -4..+4.
declare module "vader-sentiment/src/vader_lexicon.js" {
  export const lexicon: Record<string, number>;
}
