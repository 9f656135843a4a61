import { useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { useState, type FormEvent } from "react";
import { api, unwrap, setCsrfToken } from "../../api/client";
import { Button } from "../../ui/Button";
import { ErrorNote } from "../../ui/ErrorNote";
import { Field } from "../../ui/Field";
import { meQuery } from "../session";

export function SignIn({ next }: { next?: string | undefined }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const queryClient = useQueryClient();
  const navigate = useNavigate();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const me = await unwrap(api.POST("/api/auth/sign-in", { body: { email, password } }));
      setCsrfToken(me.csrfToken);
      queryClient.setQueryData(meQuery.queryKey, me);
      // Only a path of this console: an absolute URL in ?next= would make this an open redirect.
      await navigate({ to: next && next.startsWith("/") && !next.startsWith("//") ? next : "/" });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="centered">
      <div className="panel">
        <h1>Sign in to Lifecycle</h1>
        <form onSubmit={submit} noValidate>
          <Field label="Email" required>
            <input
              type="email"
              autoComplete="username"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              autoFocus
            />
          </Field>
          <Field label="Password" required>
            <input
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </Field>
          <ErrorNote error={error} />
          <Button type="submit" disabled={busy}>
            {busy ? "Signing in…" : "Sign in"}
          </Button>
        </form>
      </div>
    </main>
  );
}
