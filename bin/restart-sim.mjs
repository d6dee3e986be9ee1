#!/usr/bin/env node
// The `restart-sim` command: runs the TypeScript CLI through tsx, so there is no build step.
import { register } from "tsx/esm/api";

register();
await import("../cli/main.ts");
