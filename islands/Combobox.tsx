/**
 * @module islands/Combobox
 * A searchable picker for a reference field (issue 17), after the ARIA 1.2 combobox pattern: a
 * text input (role combobox) that filters a listbox popup as the user types, over the choices
 * the page carried and the server's `/api/v1/lookup/<collection>` (number, party, product, date).
 * Keyboard: Down/Up move through the options (Down opens the list), Enter picks, Escape closes
 * the list (or, closed, clears the field), Home/End jump. The chosen id travels in a hidden input
 * named like the field, so the form posts exactly what a select would. Forms render a plain
 * select on the server; the form island swaps in this picker once it runs, so without JavaScript
 * the select is what the user gets.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { JSX } from "preact";

export interface ComboboxProps {
  [key: string]: unknown;
  /** The input's id: the field's label points at it. */
  id: string;
  /** The form field the chosen id is posted as. */
  name: string;
  collection: string;
  value: string;
  /** Choices the page already has: [id, title]. */
  choices: Array<[string, string]>;
  required?: boolean;
  invalid?: boolean;
  describedBy?: string;
  /** The accessible name when no visible label points at the input (line cells). */
  ariaLabel?: string;
  onChange?: (id: string) => void;
}

interface Option {
  id: string;
  title: string;
  detail: string;
}

const MAX_SHOWN = 20;

function localMatches(choices: Array<[string, string]>, text: string): Option[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  return choices
    .filter(([, title]) => words.every((w) => title.toLowerCase().includes(w)))
    .slice(0, MAX_SHOWN)
    .map(([id, title]) => ({ id, title, detail: "" }));
}

/** The reference picker; see the module header. */
export default function Combobox(props: ComboboxProps) {
  const titleOf = (id: string) => props.choices.find(([v]) => v === id)?.[1] ?? "";
  const [value, setValue] = useState(props.value);
  const [text, setText] = useState(titleOf(props.value));
  const [open, setOpen] = useState(false);
  const [options, setOptions] = useState<Option[]>([]);
  const [active, setActive] = useState(-1);
  const asked = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const listId = `${props.id}-list`;

  useEffect(() => () => clearTimeout(timer.current), []);
  // A value set from outside (a line filled by a paste) replaces the one shown.
  useEffect(() => {
    setValue(props.value);
    setText(titleOf(props.value));
  }, [props.value]);

  const search = (q: string) => {
    setOptions(localMatches(props.choices, q));
    clearTimeout(timer.current);
    const ticket = ++asked.current;
    timer.current = setTimeout(async () => {
      try {
        const res = await fetch(
          `/api/v1/lookup/${props.collection}?limit=${MAX_SHOWN}&q=${encodeURIComponent(q)}`,
          { credentials: "same-origin", headers: { accept: "application/json" } },
        );
        if (!res.ok || ticket !== asked.current) return;
        const body = await res.json() as { data: Option[] };
        if (ticket === asked.current) setOptions(body.data);
      } catch { /* offline: the local choices stay */ }
    }, 150);
  };

  const choose = (option: Option) => {
    setValue(option.id);
    setText(option.title);
    setOpen(false);
    setActive(-1);
    props.onChange?.(option.id);
  };

  const clear = () => {
    setValue("");
    setText("");
    props.onChange?.("");
  };

  const openList = () => {
    if (!open) {
      setOpen(true);
      search(value ? "" : text);
    }
  };

  const onKeyDown = (e: JSX.TargetedKeyboardEvent<HTMLInputElement>) => {
    const last = options.length - 1;
    switch (e.key) {
      case "ArrowDown":
        e.preventDefault();
        if (!open) openList();
        setActive((i) => (i >= last ? 0 : i + 1));
        break;
      case "ArrowUp":
        e.preventDefault();
        if (!open) openList();
        setActive((i) => (i <= 0 ? last : i - 1));
        break;
      case "Home":
        if (open) {
          e.preventDefault();
          setActive(0);
        }
        break;
      case "End":
        if (open) {
          e.preventDefault();
          setActive(last);
        }
        break;
      case "Enter":
        if (open && options[active]) {
          e.preventDefault();
          choose(options[active]!);
        }
        break;
      case "Escape":
        if (open) {
          e.preventDefault();
          setOpen(false);
          setActive(-1);
        } else if (text) {
          e.preventDefault();
          clear();
        }
        break;
    }
  };

  const onInput = (e: JSX.TargetedEvent<HTMLInputElement>) => {
    const typed = e.currentTarget.value;
    setText(typed);
    if (value) {
      setValue("");
      props.onChange?.("");
    }
    setOpen(true);
    setActive(-1);
    search(typed);
  };

  const onBlur = () => {
    setOpen(false);
    setActive(-1);
    // Typed exactly as a choice's title: take it, as a select would.
    if (!value && text) {
      const exact = options.find((o) => o.title.toLowerCase() === text.trim().toLowerCase());
      if (exact) choose(exact);
    }
  };

  const activeId = open && options[active] ? `${listId}-${active}` : undefined;
  return (
    <div class="combobox">
      <input type="hidden" name={props.name} value={value} />
      <input
        id={props.id}
        type="text"
        role="combobox"
        autocomplete="off"
        aria-autocomplete="list"
        aria-expanded={open ? "true" : "false"}
        aria-controls={listId}
        aria-activedescendant={activeId}
        aria-invalid={props.invalid ? "true" : undefined}
        aria-describedby={props.describedBy}
        aria-label={props.ariaLabel}
        aria-required={props.required ? "true" : undefined}
        placeholder="Type to search…"
        value={text}
        onInput={onInput}
        onKeyDown={onKeyDown}
        onFocus={() => search(value ? "" : text)}
        onClick={openList}
        onBlur={onBlur}
      />
      <ul id={listId} role="listbox" class="combobox-list" hidden={!open}>
        {open && options.length === 0
          ? <li class="combobox-empty" role="presentation">No match</li>
          : null}
        {options.map((o, i) => (
          <li
            key={o.id}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === active ? "true" : "false"}
            class={i === active ? "active" : undefined}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => choose(o)}
          >
            <span class="combobox-title">{o.title}</span>
            {o.detail ? <small>{o.detail}</small> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
