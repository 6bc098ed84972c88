#!/usr/bin/env node
import { main } from '../dist/cli/warckit-convert.js';

process.exitCode = await main(process.argv.slice(2));
