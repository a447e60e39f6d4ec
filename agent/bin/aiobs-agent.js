#!/usr/bin/env -S node --max-semi-space-size=1 --no-memory-reducer
// Launcher for the `aiobs-agent` bin. It is committed (dist/ is built by `prepare`, after npm
// links bins), so `npx aiobs-agent` works right after a fresh `npm install`.
// --max-semi-space-size=1 (MB) keeps V8's young generation small (without it RSS grows to
// ~85 MB at a 1 s interval, ~68 MB with it); --no-memory-reducer stops V8's idle-time full
// GCs, which cost more CPU than the agent's own work at 10 s (docs/benchmarks.md, ## Agent).
import '../dist/cli.js';
