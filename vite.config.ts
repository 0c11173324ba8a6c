import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  root: "web",
  plugins: [react()],
  build: {
    outDir: "../dist/web",
    emptyOutDir: true,
    chunkSizeWarningLimit: 6000,
  },
  server: {
    port: 5173,
    proxy: {
      "/api": "http://localhost:8787",
      "/runtime": { target: "http://localhost:8787", ws: true },
    },
  },
});
