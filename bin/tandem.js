#!/usr/bin/env node
// Package bin: Node >= 22.18 runs the TypeScript sources directly (type stripping), so there is no build step.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`tandem needs Node.js 22.18 or newer (24 recommended); this is ${process.version}.`);
  console.error("Install it with your version manager, or: npm install --prefix ~/.node24 node@24 && export PATH=~/.node24/node_modules/node/bin:$PATH");
  process.exit(1);
}
await import("../src/cli/main.ts");
