/**
 * @module islands/CopyButton
 * Copies a text (a new API token) to the clipboard and says so. Without JavaScript the text is
 * still on the page to select by hand.
 */
import { useState } from "preact/hooks";

export default function CopyButton(props: { text: string; label?: string }) {
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
          ? "Copied"
          : state === "failed"
          ? "Select and copy"
          : props.label ?? "Copy"}
      </span>
    </button>
  );
}
