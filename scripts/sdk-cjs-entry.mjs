#!/usr/bin/env node
// Writes the SDK's CommonJS entry after `tsc -p sdk/tsconfig.cjs.json` has emitted the
// CommonJS declarations into dist/cjs: a package.json marking that folder CommonJS (so its
// .d.ts files are read as CJS) and dist/index.cjs, which loads the one ESM build.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const dist = resolve(process.argv[2] ?? 'dist');
writeFileSync(resolve(dist, 'cjs', 'package.json'), '{ "type": "commonjs" }\n');
writeFileSync(
  resolve(dist, 'index.cjs'),
  "'use strict';\n// require(esm): one SDK instance whether the app imports or requires it.\nmodule.exports = require('./index.js');\n",
);
