import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Two entries: the staff console, and the public form a client's HR person opens by link, which must stay
// small (it is loaded on phones, outside the MSP's network) and so shares no router or query cache.
export default defineConfig({
  root: here("."),
  base: "/",
  plugins: [react()],
  build: {
    outDir: here("dist"),
    emptyOutDir: true,
    sourcemap: false,
    reportCompressedSize: false,
    rollupOptions: {
      input: { console: here("index.html"), form: here("form.html") },
    },
  },
  server: { proxy: { "/api": "http://127.0.0.1:3000" } },
});
