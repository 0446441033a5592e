// Starts a Plexus server for the JavaScript driver tests, as conftest.py does
// for the Python ones: PLEXUS_SERVE_CMD (with `{port}` and `{http_port}`) or
// $CARGO_TARGET_DIR/debug/plexus serve --in-memory, on free loopback ports.
// Not a test file itself (node's runner only picks *.test.mjs).

import { spawn } from 'node:child_process';
import { createServer, connect } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitForPort(server, port, deadlineMs) {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (server.exitCode !== null) throw new Error(`the server exited with code ${server.exitCode}`);
    const ok = await new Promise((resolve) => {
      const sock = connect(port, '127.0.0.1', () => { sock.end(); resolve(true); });
      sock.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the server did not listen on ${port}`);
}

/// A running server: `{ bolt, http }` addresses, and `stop()`, which sends
/// SIGTERM and resolves to the exit code (0 when it stops cleanly).
export async function startServer() {
  const [port, httpPort] = [await freePort(), await freePort()];
  const target = process.env.CARGO_TARGET_DIR ?? path.join(repo, 'target');
  let template = process.env.PLEXUS_SERVE_CMD
    ?? `${target}/debug/plexus serve --in-memory --bolt-port {port} --http-port {http_port}`;
  if (!template.includes('{port}')) template += ' --bolt-port {port}';
  if (!template.includes('{http_port}')) template += ' --http-port {http_port}';
  const [cmd, ...args] = template.replaceAll('{http_port}', String(httpPort)).replaceAll('{port}', String(port))
    .split(/\s+/).filter(Boolean);
  const server = spawn(cmd, args, { stdio: 'ignore' });
  await waitForPort(server, port, 30000);
  await waitForPort(server, httpPort, 30000);
  return {
    bolt: `127.0.0.1:${port}`,
    http: `127.0.0.1:${httpPort}`,
    stop() {
      const exited = new Promise((resolve) => server.on('exit', (code) => resolve(code)));
      server.kill('SIGTERM');
      return exited;
    },
  };
}
