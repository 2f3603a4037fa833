#!/usr/bin/env node
// Validate a JSON array of xAPI 1.0.3 statements with Learning Locker's
// validator (@learninglocker/xapi-validation).
//
//   node validate.js FILE     (FILE = '-' reads stdin)
//
// Exit 0 and "N statements valid" when all pass; otherwise one line per
// failing statement and exit 1. Exit 2 on usage / unreadable / non-array input.
'use strict';
const fs = require('fs');
// The package's default export is `(statement) => Warning[]` (rulr warnings);
// an empty array means the statement is valid.
const validateStatement = require('@learninglocker/xapi-validation').default;

// Turn one rulr warning into "path: WarningName (details) got <data>".
// Details are the warning's own extra fields (typeName, keys, usedIfis, min,
// max, ...); nested warnings are described recursively.
const SKIP = ['data', 'path', 'message', 'name', 'stack', 'warnings'];
const describe = (w) => {
  const where = (w.path || []).join('.');
  const details = Object.keys(w)
    .filter((k) => !SKIP.includes(k))
    .map((k) => {
      const v = w[k];
      if (v instanceof Error) return `${k}=${v.message}`;
      if (typeof v === 'function') return `${k}=${v.name}`;
      return `${k}=${JSON.stringify(v)}`;
    });
  if (w.warnings) details.push(w.warnings.map(describe).join('; '));
  const got = w.data === undefined ? 'missing' : `got ${JSON.stringify(w.data)}`;
  const extra = details.length ? ` (${details.join(', ')})` : '';
  return `${where}: ${w.name || w.constructor.name}${extra} ${got}`;
};

const main = () => {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node validate.js FILE|-');
    return 2;
  }
  let statements;
  try {
    statements = JSON.parse(fs.readFileSync(file === '-' ? 0 : file, 'utf8'));
  } catch (err) {
    console.error(`cannot read JSON from ${file}: ${err.message}`);
    return 2;
  }
  if (!Array.isArray(statements)) {
    console.error('input must be a JSON array of statements');
    return 2;
  }
  let failed = 0;
  statements.forEach((statement, i) => {
    const warnings = validateStatement(statement);
    if (warnings.length === 0) return;
    failed += 1;
    const id = statement && statement.id !== undefined ? statement.id : 'none';
    console.log(`statement ${i} (id ${id}): ${warnings.map(describe).join('; ')}`);
  });
  if (failed > 0) {
    console.log(`${failed} of ${statements.length} statements invalid`);
    return 1;
  }
  console.log(`${statements.length} statements valid`);
  return 0;
};

process.exitCode = main();
