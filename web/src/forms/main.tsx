import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "../ui/styles.css";

function PublicForm() {
  return (
    <main className="centered">
      <div className="panel">
        <h1>Request</h1>
        <p>Loading the form…</p>
      </div>
    </main>
  );
}

const element = document.getElementById("root");
if (!element) throw new Error("the page has no #root element");
createRoot(element).render(
  <StrictMode>
    <PublicForm />
  </StrictMode>,
);
