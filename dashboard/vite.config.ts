import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The API (bin/agentstack, :8000 by default) serves the built files; in
// development `npm run dev` proxies /api and /ws to it.
const api = process.env.AGENTSTACK_API_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: {
      "/api": api,
      "/ws": { target: api.replace(/^http/, "ws"), ws: true },
    },
  },
});
