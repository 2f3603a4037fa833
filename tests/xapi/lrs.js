#!/usr/bin/env node
// A real Learning Record Store for tests: Learning Locker's xapi-statements
// service with its in-memory models repo (no Mongo, no Redis), listening on
// 127.0.0.1 only, with HTTP Basic auth against one fixed client.
//
//   node lrs.js PORT        (PORT 0 picks a free port)
//
// LRS_REQUEST_LOG=FILE appends one line per statements request to FILE:
// "METHOD URL" (so a test can see what a client asked for, e.g. its `since`).
//
// LRS_DIE_AFTER=N makes it fail like a server going down mid-send: once it has
// stored N batches (statement POSTs/PUTs answered 2xx), it drops the
// connection of every later one without a reply (GETs still work, so a test
// can see what it holds).
//
// Prints exactly one stdout line once listening:
//   ready http://127.0.0.1:PORT/xAPI
// and runs until killed. Statements live in memory and are lost on exit.
//
// xapi-statements' own entry point (dist/server.js) cannot be used: it listens
// on all interfaces, and its auth repo is either Mongo, a remote "fetch"
// endpoint, or a test stub that accepts any credentials. So we assemble the
// same pieces it does (service + express presenter) and supply a getClient
// that checks one key/secret, the same way its Mongo auth repo does.
'use strict';
// aws-sdk v2 (pulled in for the unused S3 attachment store) prints an
// end-of-support notice on load; keep stderr quiet.
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';
const express = require('express');
const fs = require('fs');
const os = require('os');
const path = require('path');
const NoModel = require('jscommons/dist/errors/NoModel').default;
const createRepo = require('xapi-statements/dist/repo/facade').default;
const createService = require('xapi-statements/dist/service').default;
const createPresenter = require('xapi-statements/dist/expressPresenter').default;
const translator = require('xapi-statements/dist/translatorFactory').default();
const tracker = require('xapi-statements/dist/tracker').default;
const constants = require('xapi-statements/dist/utils/constants');
const { TEST_CLIENT } = require('xapi-statements/dist/utils/testValues');

const KEY = process.env.LRS_KEY || 'testkey';
const SECRET = process.env.LRS_SECRET || 'testsecret';
const VERBOSE = process.env.LRS_VERBOSE === '1';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('usage: node lrs.js PORT');
  process.exit(2);
}

// Everything goes to stderr so stdout carries only the "ready" line.
const log = (level) => (...args) => {
  if (level === 'error' || VERBOSE) console.error(`[lrs ${level}]`, ...args);
};
const logger = {
  error: log('error'), warn: log('warn'), info: log('info'),
  verbose: log('verbose'), debug: log('debug'), silly: log('silly'),
};

// Access logs (morgan, always on in the presenter) and attachment files must
// go somewhere on disk; keep them out of the work tree.
const dataDir = path.join(os.tmpdir(), 'xapi-statements-lrs');
fs.mkdirSync(path.join(dataDir, 'accessLogs'), { recursive: true });

// Same check as xapi-statements' Mongo auth repo: decode "Basic base64(key:secret)"
// and throw NoModel when no client matches; the service turns that into
// Unauthorised, which the presenter sends as HTTP 401.
const getClient = async ({ authToken }) => {
  const match = /^Basic (.+)$/.exec(authToken || '');
  const decoded = match ? Buffer.from(match[1], 'base64').toString() : '';
  if (decoded !== `${KEY}:${SECRET}`) throw new NoModel('Client');
  return { client: TEST_CLIENT };
};

const repo = {
  ...createRepo({
    auth: { facade: 'test', fake: {} }, // replaced by getClient below
    events: { facade: 'test' }, // no Redis: new-statement events are dropped
    models: { facade: 'memory', memory: { state: { fullActivities: [], statements: [] } } },
    storage: { facade: 'local', local: { storageDir: path.join(dataDir, 'storage') } },
  }),
  getClient,
};

// Service flags: xapi-statements' defaults (see its dist/config.js).
const service = createService({
  repo, tracker, logger,
  enableConflictChecks: true,
  enableAttachmentValidation: true,
  enableVoidingChecks: true,
  enableStatementCreation: true,
  enableAttachmentCreation: true,
  enableVoiding: true,
  enableNullRemoval: false,
  enableReferencing: true,
  enableActivityUpdates: true,
  awaitUpdates: true, // finish reference/activity updates before replying
});

const presenter = createPresenter({
  llClientInfoEndpoint: '', // only used by the "fetch" auth repo
  customRoute: 'status',
  customRouteText: 'ok',
  morganDirectory: path.join(dataDir, 'accessLogs'),
  bodyParserLimit: '5mb',
  service, tracker, translator, logger,
});

const app = express();
const REQUEST_LOG = process.env.LRS_REQUEST_LOG;
if (REQUEST_LOG) {
  app.use(constants.statementsRoute, (req, _res, next) => {
    fs.appendFileSync(REQUEST_LOG, `${req.method} ${req.originalUrl}\n`);
    next();
  });
}
const DIE_AFTER = Number(process.env.LRS_DIE_AFTER || 0);
let stored = 0;
if (DIE_AFTER > 0) {
  app.use(constants.statementsRoute, (req, res, next) => {
    if (req.method === 'GET') return next();
    if (stored >= DIE_AFTER) return req.socket.destroy();
    res.on('finish', () => {
      if (res.statusCode < 300) stored += 1;
    });
    next();
  });
}
app.use(constants.aboutRoute, presenter.aboutRouter); // /xAPI/about
app.use(constants.fullActivitiesRoute, presenter.fullActivitiesRouter); // /xAPI/activities
app.use(constants.statementsRoute, presenter.statementsRouter); // /xAPI/statements

const server = app.listen(port, '127.0.0.1', () => {
  console.log(`ready http://127.0.0.1:${server.address().port}/xAPI`);
});
server.on('error', (err) => {
  console.error(`lrs: cannot listen on 127.0.0.1:${port}: ${err.message}`);
  process.exit(1);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
