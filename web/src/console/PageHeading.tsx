import { useEffect, useRef, type ReactNode } from "react";

/**
 * The page's h1, focused when the page mounts: after a navigation a screen reader announces where the
 * person is and the keyboard continues from the page's top, not from the link left behind in the menu.
 */
export function PageHeading({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1} className="page-heading">
      {children}
    </h1>
  );
}
