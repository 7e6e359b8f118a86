#!/usr/bin/env node
// client.js - a small CRI client for tests: one CRI call per run, made over
// gRPC exactly as the kubelet makes it, with the message subset in
// cri.proto. tests/cri.test drives it step by step.
//
//   node client.js [--api v1|v1alpha2] [--timeout S] SOCKET COMMAND ARG... [-- PATH...]
//
// Commands (FILE arguments are JSON files holding the CRI message, field
// names as in cri.proto):
//   version                               VersionResponse
//   image-status IMAGE                    ImageStatusResponse (verbose)
//   run-pod-sandbox POD.json HANDLER      prints the pod sandbox id
//   pod-sandbox-status ID                 PodSandboxStatusResponse (verbose)
//   list-pod-sandbox                      ListPodSandboxResponse
//   stop-pod-sandbox ID | remove-pod-sandbox ID
//   create-container POD_ID CTR.json POD.json   prints the container id
//   start-container ID | remove-container ID
//   stop-container ID TIMEOUT_SECONDS
//   container-status ID                   ContainerStatusResponse (verbose)
//   list-containers [POD_ID]              ListContainersResponse
//   exec-sync ID CMD...                   ExecSyncResponse (timeout 10 s)
//   reopen-container-log ID
//   container-stats ID                    ContainerStatsResponse
//   list-container-stats [POD_ID]         ListContainerStatsResponse
//   pod-sandbox-stats ID                  PodSandboxStatsResponse
//   attach ID                             Attach with stdin and a tty, then
//                                         stdin to the container and its
//                                         output to stdout until it ends
//
// Output: ids as one line; a response as JSON (enums by name, int64 as
// decimal strings, defaults included), or, when PATHs follow `--`, one line
// per PATH: the value at that dotted path (`status.state`,
// `info.info.runtimeSpec.annotations`, a JSON string met on the way is
// parsed), strings raw, anything else as JSON; a missing value prints
// `<none>`. Calls that return nothing print nothing.
// A failed call prints `error: CODE_NAME: DETAILS` on stderr and exits 1;
// bad usage exits 2. Modules come from $CRI_NODE_MODULES (npm install
// --prefix DIR puts them in DIR/node_modules) or the usual lookup.
'use strict';

const fs = require('fs');
const path = require('path');

function need(name) {
  const dirs = [process.env.CRI_NODE_MODULES, path.join(__dirname, '..', '..', 'build', 'npm', 'node_modules')];
  for (const d of dirs) {
    if (!d) continue;
    try {
      return require(require.resolve(name, { paths: [d] }));
    } catch (e) {
      if (e.code !== 'MODULE_NOT_FOUND') throw e;
    }
  }
  return require(name);
}

function usage(msg) {
  if (msg) process.stderr.write(`client.js: ${msg}\n`);
  process.stderr.write('usage: node client.js [--api v1|v1alpha2] [--timeout S] SOCKET COMMAND ARG... [-- PATH...]\n');
  process.exit(2);
}

// ---- arguments

let argv = process.argv.slice(2);
let api = 'v1';
let timeout = 60;
while (argv.length && argv[0].startsWith('--')) {
  const flag = argv.shift();
  if (flag === '--api') api = argv.shift();
  else if (flag === '--timeout') timeout = Number(argv.shift());
  else usage(`unknown option ${flag}`);
}
if (api !== 'v1' && api !== 'v1alpha2') usage(`--api must be v1 or v1alpha2, not ${api}`);
if (!(timeout > 0)) usage('--timeout wants a positive number of seconds');
let paths = [];
const dd = argv.indexOf('--');
if (dd >= 0) {
  paths = argv.slice(dd + 1);
  argv = argv.slice(0, dd);
}
if (argv.length < 2) usage();
const [socket, command, ...args] = argv;

// ---- the services

const grpc = need('@grpc/grpc-js');
const protoLoader = need('@grpc/proto-loader');
const protobuf = need('protobufjs');

function services() {
  let text = fs.readFileSync(path.join(__dirname, 'cri.proto'), 'utf8');
  text = text.replace(/^package runtime\.v1;$/m, `package runtime.${api};`);
  const root = protobuf.parse(text, { keepCase: true }).root;
  const def = protoLoader.fromJSON(root.toJSON(), {
    keepCase: true, longs: String, enums: String, defaults: true, oneofs: true,
  });
  const pkg = grpc.loadPackageDefinition(def).runtime[api];
  const target = socket.startsWith('unix:') ? socket : `unix:${socket}`;
  const creds = grpc.credentials.createInsecure();
  const opts = { 'grpc.max_receive_message_length': 16 << 20 };
  return {
    runtime: new pkg.RuntimeService(target, creds, opts),
    image: new pkg.ImageService(target, creds, opts),
  };
}

function readJSON(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    usage(`${file}: ${e.message}`);
  }
}

// ---- output

// The value at a dotted path; JSON strings met on the way are parsed, so
// paths reach into ContainerStatus's verbose info.
function at(obj, dotted) {
  let v = obj;
  for (const part of dotted.split('.')) {
    if (typeof v === 'string') {
      try { v = JSON.parse(v); } catch (e) { return undefined; }
    }
    if (v === null || typeof v !== 'object' || !(part in v)) return undefined;
    v = v[part];
  }
  return v;
}

function show(resp) {
  if (!paths.length) {
    process.stdout.write(JSON.stringify(resp, null, 1) + '\n');
    return;
  }
  for (const p of paths) {
    const v = at(resp, p);
    process.stdout.write((v === undefined ? '<none>' : typeof v === 'string' ? v : JSON.stringify(v)) + '\n');
  }
}

// ---- attach: the URL Attach returns, opened as kubectl attach -it opens
// it: a WebSocket (RFC 6455) with the kubelet's channel protocol, each
// message one byte of channel (0 stdin, 1 stdout, 2 stderr, 3 error) and
// the data. Exits 0 when the server closes the stream.

function wsFrame(opcode, payload) {
  const mask = require('crypto').randomBytes(4);
  const n = payload.length;
  const head = n < 126 ? Buffer.from([0x80 | opcode, 0x80 | n])
    : Buffer.from([0x80 | opcode, 0x80 | 126, n >> 8, n & 255]);  // stdin chunks stay below 64 KiB
  const body = Buffer.from(payload);
  for (let i = 0; i < n; i++) body[i] ^= mask[i & 3];
  return Buffer.concat([head, mask, body]);
}

// Complete server frames at the start of buf: [[opcode, payload]...], rest.
function wsParse(buf) {
  const frames = [];
  for (;;) {
    if (buf.length < 2) break;
    let n = buf[1] & 127, off = 2;
    if (n === 126) { if (buf.length < 4) break; n = buf.readUInt16BE(2); off = 4; }
    else if (n === 127) { if (buf.length < 10) break; n = Number(buf.readBigUInt64BE(2)); off = 10; }
    if (buf.length < off + n) break;
    frames.push([buf[0] & 15, buf.subarray(off, off + n)]);
    buf = buf.subarray(off + n);
  }
  return [frames, buf];
}

function attach(resp) {
  const key = require('crypto').randomBytes(16).toString('base64');
  const req = require('http').request(resp.url, { headers: {
    Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': key, 'Sec-WebSocket-Protocol': 'v4.channel.k8s.io' } });
  req.on('response', (res) => {
    process.stderr.write(`error: attach: HTTP ${res.statusCode}\n`);
    process.exit(1);
  });
  req.on('error', (e) => {
    process.stderr.write(`error: attach: ${e.message}\n`);
    process.exit(1);
  });
  req.on('upgrade', (res, sock, head) => {
    let rest = head;
    process.stdin.on('data', (d) => {
      for (let i = 0; i < d.length; i += 32768)
        sock.write(wsFrame(2, Buffer.concat([Buffer.from([0]), d.subarray(i, i + 32768)])));
    });
    sock.on('data', (d) => {
      let frames;
      [frames, rest] = wsParse(Buffer.concat([rest, d]));
      for (const [op, p] of frames) {
        if (op === 8) process.exit(0);
        if (op === 9) sock.write(wsFrame(10, p));
        if ((op === 1 || op === 2) && p.length > 1) (p[0] === 1 ? process.stdout : process.stderr).write(p.subarray(1));
      }
    });
    sock.on('close', () => process.exit(0));
  });
  req.end();
}

// ---- the call

const calls = {
  'version': [0, 'runtime', 'Version', () => ({ version: '0.1.0' }), show],
  'image-status': [1, 'image', 'ImageStatus', (a) => ({ image: { image: a[0] }, verbose: true }), show],
  'run-pod-sandbox': [2, 'runtime', 'RunPodSandbox',
    (a) => ({ config: readJSON(a[0]), runtime_handler: a[1] }), (r) => console.log(r.pod_sandbox_id)],
  'pod-sandbox-status': [1, 'runtime', 'PodSandboxStatus', (a) => ({ pod_sandbox_id: a[0], verbose: true }), show],
  'list-pod-sandbox': [0, 'runtime', 'ListPodSandbox', () => ({}), show],
  'stop-pod-sandbox': [1, 'runtime', 'StopPodSandbox', (a) => ({ pod_sandbox_id: a[0] }), () => {}],
  'remove-pod-sandbox': [1, 'runtime', 'RemovePodSandbox', (a) => ({ pod_sandbox_id: a[0] }), () => {}],
  'create-container': [3, 'runtime', 'CreateContainer',
    (a) => ({ pod_sandbox_id: a[0], config: readJSON(a[1]), sandbox_config: readJSON(a[2]) }),
    (r) => console.log(r.container_id)],
  'start-container': [1, 'runtime', 'StartContainer', (a) => ({ container_id: a[0] }), () => {}],
  'stop-container': [2, 'runtime', 'StopContainer', (a) => ({ container_id: a[0], timeout: a[1] }), () => {}],
  'remove-container': [1, 'runtime', 'RemoveContainer', (a) => ({ container_id: a[0] }), () => {}],
  'container-status': [1, 'runtime', 'ContainerStatus', (a) => ({ container_id: a[0], verbose: true }), show],
  'exec-sync': [-2, 'runtime', 'ExecSync', (a) => ({ container_id: a[0], cmd: a.slice(1), timeout: 10 }), show],
  'reopen-container-log': [1, 'runtime', 'ReopenContainerLog', (a) => ({ container_id: a[0] }), () => {}],
  'container-stats': [1, 'runtime', 'ContainerStats', (a) => ({ container_id: a[0] }), show],
  'list-container-stats': [-1, 'runtime', 'ListContainerStats',
    (a) => ({ filter: a[0] ? { pod_sandbox_id: a[0] } : {} }), show],
  'pod-sandbox-stats': [1, 'runtime', 'PodSandboxStats', (a) => ({ pod_sandbox_id: a[0] }), show],
  'attach': [1, 'runtime', 'Attach',
    (a) => ({ container_id: a[0], stdin: true, tty: true, stdout: true, stderr: false }), attach],
  'list-containers': [-1, 'runtime', 'ListContainers',
    (a) => ({ filter: a[0] ? { pod_sandbox_id: a[0] } : {} }), show],
};

const call = calls[command];
if (!call) usage(`unknown command ${command}`);
const [nargs, service, method, request, print] = call;
// nargs: exact count; -1: none or one; -2: one or more
const argsOk = nargs >= 0 ? args.length === nargs : nargs === -1 ? args.length <= 1 : args.length >= 1;
if (!argsOk) usage(`${command}: wrong number of arguments`);

const codeNames = Object.fromEntries(Object.entries(grpc.status).map(([k, v]) => [v, k]));
const client = services()[service];
const deadline = new Date(Date.now() + timeout * 1000);
client[method](request(args), { deadline }, (err, resp) => {
  client.close();
  if (err) {
    process.stderr.write(`error: ${codeNames[err.code] || err.code}: ${err.details || err.message}\n`);
    process.exit(1);
  }
  print(resp);
});
