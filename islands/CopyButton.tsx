/**
 * @module islands/CopyButton
 * Copies a text (a new API token) to the clipboard and says so. Without JavaScript the text is
 * still on the page to select by hand.
 */
import { useState } from "preact/hooks";

/** The button's words in the page's language (English when not given). */
export interface CopyWords {
  copy: string;
  copied: string;
  failed: string;
}

export default function CopyButton(props: { text: string; label?: string; words?: CopyWords }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.text);
      setState("copied");
    } catch {
      setState("failed");
    }
  };
  return (
    <button type="button" class="button secondary small" onClick={copy} data-copy-button>
      <span aria-live="polite">
        {state === "copied"
          ? props.words?.copied ?? "Copied"
          : state === "failed"
          ? props.words?.failed ?? "Select and copy"
          : props.label ?? props.words?.copy ?? "Copy"}
      </span>
    </button>
  );
}
