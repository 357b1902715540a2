#!/usr/bin/env node
// The published entry point: the compiled CLI lives in dist/ (run `npm run build` first).
import '../dist/src/main.js';
