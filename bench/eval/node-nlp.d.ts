// The slice of NLP.js (node-nlp ships no types) that the evaluation harness calls.
declare module "node-nlp" {
  export interface NlpResult {
    intent: string;
    score: number;
    sentiment?: { score: number; vote: string };
  }
  export class NlpManager {
    constructor(settings?: {
      languages?: string[];
      autoSave?: boolean;
      nlu?: { log?: boolean };
      [key: string]: unknown;
    });
    addDocument(locale: string, utterance: string, intent: string): void;
    train(): Promise<void>;
    process(locale: string, utterance: string): Promise<NlpResult>;
  }
}
