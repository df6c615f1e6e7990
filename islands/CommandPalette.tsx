/**
 * @module islands/CommandPalette
 * Ctrl-K (⌘-K on a Mac) opens a palette to search every record and run an action (new purchase
 * order, record a payment, go to a list) from the keyboard; `?` lists the keyboard shortcuts;
 * `g` then a letter goes to a section, `/` jumps to search (issue 17). A modal dialog with a
 * combobox over one listbox (ARIA 1.2): Down/Up move, Enter runs, Escape closes. Keys are ignored
 * while the user types in a field. Without JavaScript nothing changes: the search page and the
 * menu are plain links.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { JSX } from "preact";
import { isLanguage, type Messages, translatorOf } from "../i18n/format.ts";

interface Entry {
  label: string;
  href: string;
  detail: string;
}

/** Go-to keys: the key after `g`, the section's message key, its address. */
const GO: Array<[string, string, string]> = [
  ["d", "palette.dashboard", "/"],
  ["p", "palette.purchase_orders", "/purchase-orders"],
  ["s", "palette.sales_orders", "/sales-orders"],
  ["l", "palette.loads", "/loads"],
  ["i", "palette.invoices", "/invoices"],
  ["b", "palette.bills", "/bills"],
  ["c", "palette.customers", "/customers"],
  ["r", "palette.reports", "/reports"],
];

/** Actions: the message key of the label and the address. */
const ACTIONS: Array<[string, string]> = [
  ["palette.new_purchase_order", "/purchase-orders/new"],
  ["palette.new_sales_order", "/sales-orders/new"],
  ["palette.new_load", "/loads/new"],
  ["palette.new_invoice", "/invoices/new"],
  ["palette.record_payment", "/payments/new"],
  ["palette.new_customer", "/customers/new"],
  ["palette.new_supplier", "/suppliers/new"],
  ["palette.new_carrier", "/carriers/new"],
  ["palette.upload_document", "/documents"],
];

/** Every message the palette shows (the app shell hands it these, in the page's language). */
export const COMMAND_PALETTE_MESSAGES: readonly string[] = [
  ...GO.map(([, key]) => key),
  ...ACTIONS.map(([key]) => key),
  "palette.help",
  "palette.action",
  "palette.go_to",
  "palette.go_to_section",
  "palette.commands",
  "palette.dialog",
  "palette.input_label",
  "palette.placeholder",
  "palette.results",
  "palette.hint",
  "palette.shortcuts",
  "palette.shortcuts_caption",
  "palette.shortcut_search",
  "palette.shortcut_jump",
  "palette.shortcut_list",
  "palette.then",
  "palette.shortcut_picker",
  "palette.close",
];

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return Boolean(
    el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName)),
  );
}

/** The palette and the shortcuts; see the module header. */
export default function CommandPalette(props: { language?: string; messages?: Messages }) {
  const t = translatorOf(isLanguage(props.language) ? props.language : "en", props.messages ?? {});
  const entries0: Entry[] = [
    ...ACTIONS.map(([key, href]) => ({ label: t(key), href, detail: t("palette.action") })),
    ...GO.map(([, key, href]) => ({
      label: t("palette.go_to_section", { section: t(key) }),
      href,
      detail: t("palette.go_to"),
    })),
    { label: t("palette.help"), href: "/help", detail: t("palette.go_to") },
  ];
  const palette = useRef<HTMLDialogElement>(null);
  const help = useRef<HTMLDialogElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const [text, setText] = useState("");
  const [hits, setHits] = useState<Entry[]>([]);
  const [active, setActive] = useState(0);
  const asked = useRef(0);

  const openPalette = () => {
    setText("");
    setHits([]);
    setActive(0);
    palette.current?.showModal();
    input.current?.focus();
  };

  useEffect(() => {
    let pendingG = false;
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") {
        e.preventDefault();
        openPalette();
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
      if (palette.current?.open || help.current?.open) return;
      if (e.key === "?") {
        e.preventDefault();
        help.current?.showModal();
      } else if (e.key === "/") {
        const search = document.querySelector<HTMLInputElement>("input[name=q]");
        if (search) {
          e.preventDefault();
          search.focus();
        }
      } else if (pendingG) {
        pendingG = false;
        const target = GO.find(([key]) => key === e.key);
        if (target) location.assign(target[2]);
      } else if (e.key === "g") {
        pendingG = true;
        setTimeout(() => (pendingG = false), 1500);
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  const actions = entries0.filter((a) => words.every((w) => a.label.toLowerCase().includes(w)))
    .slice(0, words.length ? 8 : 6);
  const entries = [...actions, ...hits];

  const onInput = (e: JSX.TargetedEvent<HTMLInputElement>) => {
    const q = e.currentTarget.value;
    setText(q);
    setActive(0);
    const ticket = ++asked.current;
    if (q.trim().length < 2) {
      setHits([]);
      return;
    }
    setTimeout(async () => {
      if (ticket !== asked.current) return;
      try {
        const res = await fetch(`/api/v1/search?limit=8&q=${encodeURIComponent(q)}`, {
          credentials: "same-origin",
          headers: { accept: "application/json" },
        });
        if (!res.ok || ticket !== asked.current) return;
        const body = await res.json() as {
          data: Array<{ title: string; subtitle: string; url: string }>;
        };
        setHits(body.data.map((h) => ({ label: h.title, href: h.url, detail: h.subtitle })));
      } catch { /* offline: actions still work */ }
    }, 150);
  };

  const onKeyDown = (e: JSX.TargetedKeyboardEvent<HTMLInputElement>) => {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setActive((i) => Math.min(i + 1, entries.length - 1));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setActive((i) => Math.max(i - 1, 0));
    } else if (e.key === "Enter" && entries[active]) {
      e.preventDefault();
      location.assign(entries[active]!.href);
    }
  };

  return (
    <>
      <button
        type="button"
        class="button small secondary command-button"
        onClick={openPalette}
        aria-keyshortcuts="Control+K Meta+K"
      >
        {t("palette.commands")} <kbd>Ctrl K</kbd>
      </button>
      <dialog ref={palette} class="command-palette" aria-label={t("palette.dialog")}>
        <label for="command-input" class="visually-hidden">{t("palette.input_label")}</label>
        <input
          ref={input}
          id="command-input"
          type="text"
          role="combobox"
          autocomplete="off"
          aria-autocomplete="list"
          aria-expanded="true"
          aria-controls="command-list"
          aria-activedescendant={entries[active] ? `command-${active}` : undefined}
          placeholder={t("palette.placeholder")}
          value={text}
          onInput={onInput}
          onKeyDown={onKeyDown}
        />
        <ul id="command-list" role="listbox" aria-label={t("palette.results")}>
          {entries.map((entry, i) => (
            <li
              key={`${entry.href}-${i}`}
              id={`command-${i}`}
              role="option"
              aria-selected={i === active ? "true" : "false"}
              class={i === active ? "active" : undefined}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => location.assign(entry.href)}
            >
              <span>{entry.label}</span> <small>{entry.detail}</small>
            </li>
          ))}
        </ul>
        <p class="hint">{t("palette.hint")}</p>
      </dialog>
      <dialog ref={help} class="shortcuts" aria-labelledby="shortcuts-title">
        <h2 id="shortcuts-title">{t("palette.shortcuts")}</h2>
        <table>
          <caption class="visually-hidden">{t("palette.shortcuts_caption")}</caption>
          <tbody>
            <tr>
              <th scope="row">
                <kbd>Ctrl K</kbd> / <kbd>⌘ K</kbd>
              </th>
              <td>{t("palette.shortcut_search")}</td>
            </tr>
            <tr>
              <th scope="row">
                <kbd>/</kbd>
              </th>
              <td>{t("palette.shortcut_jump")}</td>
            </tr>
            <tr>
              <th scope="row">
                <kbd>?</kbd>
              </th>
              <td>{t("palette.shortcut_list")}</td>
            </tr>
            {GO.map(([key, label]) => (
              <tr key={key}>
                <th scope="row">
                  <kbd>g</kbd> {t("palette.then")} <kbd>{key}</kbd>
                </th>
                <td>{t("palette.go_to_section", { section: t(label) })}</td>
              </tr>
            ))}
            <tr>
              <th scope="row">
                <kbd>Down</kbd> <kbd>Up</kbd> <kbd>Enter</kbd> <kbd>Escape</kbd>
              </th>
              <td>{t("palette.shortcut_picker")}</td>
            </tr>
          </tbody>
        </table>
        <form method="dialog">
          <button class="button primary" type="submit">{t("palette.close")}</button>
        </form>
      </dialog>
    </>
  );
}
