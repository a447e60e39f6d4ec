#!/usr/bin/env node
// Launcher for the `aiobs-agent` bin. It is committed (dist/ is built by `prepare`, after npm
// links bins), so `npx aiobs-agent` works right after a fresh `npm install`.
import '../dist/cli.js';
