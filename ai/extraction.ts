/**
 * @module ai/extraction
 * What a document reader is: the interface the offline and OpenAI providers implement, kept apart
 * from provider.ts (which chooses one) so that neither implementation imports its chooser.
 */
import type { RawExtraction } from "../domain/documents/draft.ts";
import type { LearnedLabel } from "../domain/documents/layout_memory.ts";
import type { CustomFieldsConfig } from "../customization/document/fields_schema.ts";

export interface ExtractionInput {
  text: string;
  pages: number;
  name: string;
  /** How the text was read ("pdf", "ocr", ...): OCR'd values are trusted a little less. */
  method?: string;
  /** The workspace's own name: an invoice billed to it is a bill to pay. */
  us?: string;
  /** What corrections taught about this sender's layout (domain/documents/layout_memory.ts). */
  learned?: LearnedLabel[];
  /** The workspace's custom fields per record type: filled when their label is found. */
  customFields?: CustomFieldsConfig;
}

/** A label a user's correction tied to a field, for documents of one sender. */
export type { LearnedLabel } from "../domain/documents/layout_memory.ts";

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
