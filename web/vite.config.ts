// Vite builds for the browser apps: the widget as one self-contained IIFE script (Preact behind the React API,
// to stay small on customers' sites) and the agent console as a React SPA under /console/.
// `vite build -c web/vite.config.ts --mode widget|console`, or `npm run build:web` for both plus the demo page.

import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type InlineConfig } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));
export const webDist = `${here}dist`;

export function widgetConfig(): InlineConfig {
  return {
    configFile: false,
    root: here,
    logLevel: "warn",
    // The widget is written against the React API; Preact's compat layer implements it in ~5 KB instead of ~60.
    resolve: {
      alias: [
        { find: /^react$/, replacement: "preact/compat" },
        { find: /^react-dom$/, replacement: "preact/compat" },
        { find: /^react-dom\/client$/, replacement: "preact/compat/client" },
        { find: /^react\/jsx-runtime$/, replacement: "preact/jsx-runtime" },
        { find: /^react\/jsx-dev-runtime$/, replacement: "preact/jsx-runtime" },
      ],
    },
    oxc: { jsx: { runtime: "automatic", importSource: "react" } },
    define: { "process.env.NODE_ENV": JSON.stringify("production") },
    build: {
      outDir: `${webDist}/widget`,
      emptyOutDir: true,
      target: "es2020",
      minify: true,
      sourcemap: false,
      lib: {
        entry: `${here}widget/main.tsx`,
        formats: ["iife"],
        name: "TandemWidget",
        fileName: () => "widget.js",
      },
    },
  } as InlineConfig;
}

export function consoleConfig(): InlineConfig {
  return {
    configFile: false,
    root: `${here}console`,
    base: "/console/",
    logLevel: "warn",
    plugins: [react()],
    define: { "process.env.NODE_ENV": JSON.stringify("production") },
    build: {
      outDir: `${webDist}/console`,
      emptyOutDir: true,
      target: "es2022",
      sourcemap: false,
      chunkSizeWarningLimit: 600,
    },
  };
}

/** The admin and analytics SPA under /admin/ (same React build as the console). */
export function adminConfig(): InlineConfig {
  return { ...consoleConfig(), root: `${here}admin`, base: "/admin/", build: { ...consoleConfig().build, outDir: `${webDist}/admin` } };
}

export default defineConfig(({ mode }) => (mode === "widget" ? widgetConfig() : mode === "admin" ? adminConfig() : consoleConfig()));
