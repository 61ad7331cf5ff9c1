// servers.mjs: the site's servers for the suite, and a small static server
// for the fixture pages.
//
// The real stack is nginx (the shipped deploy/nginx/hhd.conf) in front of
// hhd-fcgi, both started by scripts/serve --daemon on a free 127.0.0.1 port
// with everything (config, socket, database, logs, PIDs) in one state
// folder. stop() asks scripts/serve to stop them, then makes sure by PID:
// every PID listed in STATE/pids whose command line names the state folder
// is sent SIGTERM, then SIGKILL. Nothing else is ever signalled.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

// A TCP port on 127.0.0.1 that was free a moment ago.
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function readPids(state) {
  const file = path.join(state, 'pids');
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length === 2 && /^\d+$/.test(f[1]))
    .map(([name, pid]) => ({ name, pid: Number(pid) }));
}

// Whether pid is alive and its command line names the state folder.
function isOurs(pid, state) {
  try {
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    return cmd.includes(`${state}/`);
  } catch {
    return false;
  }
}

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

// Stop the processes of a state folder by PID (synchronous, so it also
// works from an exit or signal handler).
export function killByPids(state, log = () => {}) {
  for (const { name, pid } of readPids(state)) {
    if (!isOurs(pid, state)) continue;
    log(`stopping ${name} (pid ${pid})`);
    try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ }
    for (let i = 0; i < 50 && isOurs(pid, state); i++) sleepSync(100);
    if (isOurs(pid, state)) {
      log(`${name} (pid ${pid}) ignored SIGTERM; killing it`);
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
  }
}

// Start nginx + hhd-fcgi through scripts/serve. Returns { base, port, db,
// state, stop() }. Tries a few ports in case one is taken in between.
export async function startStack({ src, build, publicDir, state, log = console.log }) {
  const serve = path.join(src, 'scripts', 'serve');
  if (!fs.existsSync(serve)) throw new Error(`no ${serve}`);
  if (!fs.existsSync(path.join(build, 'hhd-fcgi'))) throw new Error(`no ${build}/hhd-fcgi: build it first`);
  fs.mkdirSync(state, { recursive: true });
  let lastErr = '';
  for (let attempt = 0; attempt < 4; attempt++) {
    const port = await freePort();
    const r = spawnSync(serve, ['--daemon', '--port', String(port), '--public', publicDir,
      '--state', state, '--build', build], { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) {
      const stack = {
        port,
        base: `http://127.0.0.1:${port}`,
        db: path.join(state, 'hhd.db'),
        state,
        stopped: false,
        stop() {
          if (this.stopped) return;
          this.stopped = true;
          spawnSync(serve, ['--stop', '--state', state], { encoding: 'utf8', timeout: 30_000 });
          killByPids(state, log); // whatever --stop left behind
        },
      };
      return stack;
    }
    lastErr = `${r.stdout || ''}${r.stderr || ''}`.trim();
    killByPids(state, log);
  }
  throw new Error(`scripts/serve did not start: ${lastErr}`);
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.svg': 'image/svg+xml',
  '.gif': 'image/gif',
  '.png': 'image/png',
};

// Serve `root` read-only on a free 127.0.0.1 port (the negative-test
// fixtures). Directory paths serve their index.html. Returns { base, close() }.
export async function startStatic(root) {
  const srv = http.createServer((req, res) => {
    let p;
    try {
      p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (p.endsWith('/')) p += 'index.html';
    const file = path.join(root, path.normalize(p));
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
    res.end(fs.readFileSync(file));
  });
  await new Promise((resolve, reject) => {
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', resolve);
  });
  const { port } = srv.address();
  return {
    base: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => srv.close(resolve)),
  };
}
