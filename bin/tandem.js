#!/usr/bin/env node
// Package bin: Node >= 22.18 runs the TypeScript sources directly (type stripping), so there is no build step.
import "../src/cli/main.ts";
