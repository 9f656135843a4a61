import { lazy, StrictMode, Suspense, useEffect, useMemo, useState } from "react";
import { createRoot } from "react-dom/client";
import "../ui/styles.css";
import "./forms.css";
import { ErrorNote } from "../ui/ErrorNote";
import { linkApi, statusTokenOf, type PublicForm } from "./api";
import type { LinkClient } from "./validate";
import type { Validator } from "./RequestForm";
import { StatusPage } from "./StatusPage";
import type { FieldDescription } from "./model";

// Started at once, fetched while the form's description is: zod, the form definitions and luxon are
// kept out of the first script.
const validation = import("./validate");
// The form itself (react-hook-form, the generic fields) is fetched alongside the link's description; the
// first script is React, the page's frame and the status page.
const formModule = import("./RequestForm");
const RequestForm = lazy(() => formModule.then((m) => ({ default: m.RequestForm })));

// A submission's status page, which needs no form link: it outlives one revoked or expired.
const statusPage = "/forms/status";

/**
 * The link's token from the page's own address (/forms/<token>); the server never writes it in. None on
 * the status page.
 */
function tokenFromPath(): string | undefined {
  const path = location.pathname.replace(/\/+$/, "");
  if (path === statusPage) return undefined;
  return decodeURIComponent(path.split("/").pop() ?? "");
}

// The status token lives after the #, so it is never sent to the server as part of the page's address.
function statusFromHash(): string | undefined {
  const m = /(?:^#|&)status=([^&]+)/.exec(location.hash);
  return m?.[1] ? decodeURIComponent(m[1]) : undefined;
}

function linkClient(view: PublicForm): LinkClient {
  const custom = (view.form.fields as FieldDescription[]).find((f) => f.kind === "custom-fields");
  const own = Array.isArray(custom?.clientFields) ? custom.clientFields : [];
  return {
    id: view.client.id,
    domains: view.client.domains,
    timeZone: view.client.timeZone,
    customFields: own as LinkClient["customFields"],
  };
}

function App() {
  const token = useMemo(() => tokenFromPath(), []);
  const formPath = useMemo(() => location.pathname, []);
  const link = useMemo(() => (token === undefined ? undefined : linkApi(token)), [token]);
  const [view, setView] = useState<PublicForm | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [statusToken, setStatusToken] = useState(statusFromHash);

  useEffect(() => {
    link?.form().then(setView, setFailure);
  }, [link]);
  useEffect(() => {
    const onHash = () => setStatusToken(statusFromHash());
    addEventListener("hashchange", onHash);
    return () => removeEventListener("hashchange", onHash);
  }, []);
  useEffect(() => {
    if (view)
      document.title = `${view.kind === "onboard" ? "New starter" : "Leaver"}: ${view.client.displayName}`;
  }, [view]);

  const validate = useMemo<Validator | null>(
    () => (view ? async (body) => (await validation).validateBody(view.kind, linkClient(view), body) : null),
    [view],
  );

  const heading = view
    ? `${view.kind === "onboard" ? "New starter" : "Leaver"} at ${view.client.displayName}`
    : "Request";
  return (
    <main className="form-page">
      <header>
        <h1>{heading}</h1>
        {view && !statusToken ? (
          <p className="muted">
            {view.kind === "onboard"
              ? "Tell us who is starting and when: we set up their account, mailbox, groups and licences."
              : "Tell us who is leaving and when: we lock their account and hand over their mail and files."}{" "}
            Fields marked * are required. Times are in {view.client.timeZone.replace(/_/g, " ")}.
          </p>
        ) : null}
      </header>
      {statusToken ? (
        <>
          <StatusPage statusToken={statusToken} zone={view?.client.timeZone} />
          {view ? (
            <p>
              <a
                href="#"
                onClick={(e) => {
                  e.preventDefault();
                  history.replaceState(null, "", formPath);
                  setStatusToken(undefined);
                }}
              >
                Fill in another
              </a>
            </p>
          ) : null}
        </>
      ) : view && validate && link ? (
        <Suspense fallback={<p>Loading the form…</p>}>
          <RequestForm
            view={view}
            link={link}
            validate={validate}
            onSubmitted={(url) => {
              const t = statusTokenOf(url);
              // The status page's own address, which keeps working after the form link is revoked.
              history.replaceState(null, "", `${statusPage}#status=${encodeURIComponent(t)}`);
              setStatusToken(t);
              scrollTo(0, 0);
            }}
          />
        </Suspense>
      ) : failure ? (
        <ErrorNote error={failure} />
      ) : !link ? (
        <p>This page shows a request&apos;s progress: open the address you were given when you sent it.</p>
      ) : (
        <p>Loading the form…</p>
      )}
    </main>
  );
}

const element = document.getElementById("root");
if (!element) throw new Error("the page has no #root element");
createRoot(element).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
