import { QueryClient } from "@tanstack/react-query";
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  Link,
  Outlet,
  redirect,
} from "@tanstack/react-router";
import { z } from "zod";
import { Approvals } from "./pages/Approvals";
import { Bulk } from "./pages/Bulk";
import { ClientEditor } from "./pages/ClientEditor";
import { Clients } from "./pages/Clients";
import { Dashboard } from "./pages/Dashboard";
import { Run } from "./pages/Run";
import { Runs } from "./pages/Runs";
import { Schedules } from "./pages/Schedules";
import { SignIn } from "./pages/SignIn";
import { meQuery, useMe } from "./session";

export const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } },
});

// The console's pages; each later page adds its entry here and its route below.
export const navigation: { to: string; label: string }[] = [
  { to: "/", label: "Dashboard" },
  { to: "/runs", label: "Runs" },
  { to: "/approvals", label: "Approvals" },
  { to: "/schedules", label: "Schedules" },
  { to: "/clients", label: "Clients" },
  { to: "/bulk", label: "Bulk" },
];

function Shell() {
  const me = useMe();
  if (!me.data) return null;
  return (
    <div className="shell">
      <nav className="nav" aria-label="Main">
        <span className="brand">Lifecycle</span>
        {navigation.map((item) => (
          <Link key={item.to} to={item.to} activeOptions={{ exact: item.to === "/" }}>
            {item.label}
          </Link>
        ))}
        <span className="who">
          {me.data.displayName || me.data.email}
          <br />
          {me.data.role}
        </span>
      </nav>
      <main className="main" id="main">
        <Outlet />
      </main>
    </div>
  );
}

const root = createRootRouteWithContext<{ queryClient: QueryClient }>()({
  component: Outlet,
  notFoundComponent: () => (
    <main className="main">
      <h1>Not found</h1>
      <p>
        There is no page here. <Link to="/">Back to the console</Link>
      </p>
    </main>
  ),
});

const signIn = createRoute({
  getParentRoute: () => root,
  path: "/sign-in",
  validateSearch: z.object({ next: z.string().optional() }),
  component: function SignInPage() {
    const { next } = signIn.useSearch();
    return <SignIn next={next} />;
  },
});

// Every page but sign-in needs a session: without one the browser goes to sign-in, which comes back here.
export const shell = createRoute({
  getParentRoute: () => root,
  id: "shell",
  beforeLoad: async ({ context, location }) => {
    const me = await context.queryClient.ensureQueryData(meQuery);
    if (!me) throw redirect({ to: "/sign-in", search: { next: location.href }, replace: true });
  },
  errorComponent: ({ error }) => (
    <p className="main alert" role="alert">
      The server did not answer: {error instanceof Error ? error.message : String(error)}
    </p>
  ),
  component: Shell,
});

const home = createRoute({ getParentRoute: () => shell, path: "/", component: Dashboard });
const approvals = createRoute({ getParentRoute: () => shell, path: "/approvals", component: Approvals });
const schedules = createRoute({ getParentRoute: () => shell, path: "/schedules", component: Schedules });

const runs = createRoute({ getParentRoute: () => shell, path: "/runs", component: Runs });

export const run = createRoute({
  getParentRoute: () => shell,
  path: "/runs/$runId",
  component: function RunPage() {
    const { runId } = run.useParams();
    return <Run key={runId} runId={runId} />;
  },
});

const clients = createRoute({ getParentRoute: () => shell, path: "/clients", component: Clients });
export const client = createRoute({
  getParentRoute: () => shell,
  path: "/clients/$clientId",
  component: function ClientPage() {
    const { clientId } = client.useParams();
    return <ClientEditor key={clientId} clientId={clientId} />;
  },
});
const bulk = createRoute({ getParentRoute: () => shell, path: "/bulk", component: Bulk });

const routeTree = root.addChildren([
  signIn,
  shell.addChildren([home, runs, run, approvals, schedules, clients, client, bulk]),
]);

export const router = createRouter({ routeTree, context: { queryClient }, defaultPreload: "intent" });

declare module "@tanstack/react-router" {
  interface Register {
    router: typeof router;
  }
}
