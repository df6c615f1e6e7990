/**
 * @module ai/extraction
 * What a document reader is: the interface the offline and OpenAI providers implement, kept apart
 * from provider.ts (which chooses one) so that neither implementation imports its chooser.
 */
import type { RawExtraction } from "../domain/documents/draft.ts";

export interface ExtractionInput {
  text: string;
  pages: number;
  name: string;
}

export interface Usage {
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costMicrodollars: number;
}

export interface ExtractionProvider {
  readonly name: string;
  extract(input: ExtractionInput): Promise<{ raw: RawExtraction; usage?: Usage }>;
}
