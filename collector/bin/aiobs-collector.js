#!/usr/bin/env node
// Launcher for the `aiobs-collector` bin. It is committed because npm links bins before the
// root `prepare` script builds dist/, and skips a bin whose file is missing: pointing the bin
// at dist/main.js would leave `npx aiobs-collector` unlinked after a fresh `npm install`.
import '../dist/main.js';
