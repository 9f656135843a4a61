import { useEffect, useId, useRef, useState, type InputHTMLAttributes, type Ref } from "react";

export interface Person {
  displayName: string;
  userPrincipalName: string;
  mail?: string;
  department?: string;
  jobTitle?: string;
}

export type SearchPeople = (q: string) => Promise<Person[]>;

/**
 * An address field that suggests people of the client's directory as one types (the ARIA 1.2 combobox:
 * arrows move, Enter picks, Escape closes). What is typed stays the value, so an address the directory
 * does not answer for can still be given.
 */
export function PersonPicker({
  value,
  onChange,
  onBlur,
  search,
  inputRef,
  ...rest
}: Omit<InputHTMLAttributes<HTMLInputElement>, "value" | "onChange"> & {
  value: string;
  onChange: (value: string) => void;
  search: SearchPeople;
  inputRef?: Ref<HTMLInputElement>;
}) {
  const listId = useId();
  const [people, setPeople] = useState<Person[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [note, setNote] = useState("");
  const typed = useRef(false);

  useEffect(() => {
    const q = value.trim();
    if (!typed.current || q.length < 2) {
      setPeople([]);
      return;
    }
    let stale = false;
    const timer = setTimeout(() => {
      search(q).then(
        (found) => {
          if (stale) return;
          setPeople(found);
          setActive(-1);
          setOpen(found.length > 0);
          setNote(found.length ? `${found.length} suggestions` : "no one found");
        },
        () => {
          if (!stale) setNote("the directory cannot be searched right now: type the address");
        },
      );
    }, 200);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [value, search]);

  const pick = (p: Person) => {
    typed.current = false;
    onChange(p.userPrincipalName);
    setOpen(false);
    setNote(`${p.displayName} chosen`);
  };

  return (
    <div className="combo">
      <input
        {...rest}
        ref={inputRef}
        type="text"
        inputMode="email"
        autoComplete="off"
        spellCheck={false}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={open && active >= 0 ? `${listId}-${active}` : undefined}
        value={value}
        onChange={(e) => {
          typed.current = true;
          onChange(e.target.value);
        }}
        onBlur={(e) => {
          // A click on a suggestion lands after the blur; give it the moment it needs.
          setTimeout(() => setOpen(false), 150);
          onBlur?.(e);
        }}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown" && people.length) {
            e.preventDefault();
            setOpen(true);
            setActive((i) => (i + 1) % people.length);
          } else if (e.key === "ArrowUp" && people.length) {
            e.preventDefault();
            setOpen(true);
            setActive((i) => (i <= 0 ? people.length - 1 : i - 1));
          } else if (e.key === "Enter" && open && active >= 0) {
            e.preventDefault();
            const p = people[active];
            if (p) pick(p);
          } else if (e.key === "Escape" && open) {
            e.preventDefault();
            setOpen(false);
          }
        }}
      />
      <ul id={listId} role="listbox" className="combo-list" hidden={!open} aria-label="Suggestions">
        {people.map((p, i) => (
          <li
            key={p.userPrincipalName}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === active}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => pick(p)}
          >
            <span>{p.displayName}</span>
            <span className="muted">
              {p.userPrincipalName}
              {p.jobTitle ? ` · ${p.jobTitle}` : ""}
            </span>
          </li>
        ))}
      </ul>
      <span className="sr-only" aria-live="polite">
        {note}
      </span>
    </div>
  );
}
