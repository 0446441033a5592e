// The npm `gremlin` package (3.8.x) against Plexus's Gremlin Server WebSocket
// at ws://…/gremlin: a remote traversal (bytecode in GraphBinary) and a
// script submitted with bindings. Run by scripts/driver-tests with node's
// test runner; the server is started as in conftest.py (PLEXUS_SERVE_CMD with
// `{port}` and `{http_port}`), or PLEXUS_HTTP_ADDR names one already running.
// The package is loaded from the npm folder PLEXUS_JS_DIR (default
// ~/.cache/plexus-js), kept outside the clone.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import os from 'node:os';

const jsDir = process.env.PLEXUS_JS_DIR ?? path.join(os.homedir(), '.cache', 'plexus-js');
const gremlin = createRequire(path.join(jsDir, 'package.json'))('gremlin');
const { DriverRemoteConnection, Client } = gremlin.driver;
const { traversal } = gremlin.process.AnonymousTraversalSource;
const { P } = gremlin.process;

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let address = process.env.PLEXUS_HTTP_ADDR;
let server;

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

async function waitForPort(port, deadlineMs) {
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

before(async () => {
  if (address) return;
  const [port, httpPort] = [await freePort(), await freePort()];
  const target = process.env.CARGO_TARGET_DIR ?? path.join(repo, 'target');
  let template = process.env.PLEXUS_SERVE_CMD
    ?? `${target}/debug/plexus serve --in-memory --bolt-port {port} --http-port {http_port}`;
  if (!template.includes('{port}')) template += ' --bolt-port {port}';
  if (!template.includes('{http_port}')) template += ' --http-port {http_port}';
  const [cmd, ...args] = template.replaceAll('{http_port}', String(httpPort)).replaceAll('{port}', String(port))
    .split(/\s+/).filter(Boolean);
  server = spawn(cmd, args, { stdio: 'ignore' });
  await waitForPort(httpPort, 30000);
  address = `127.0.0.1:${httpPort}`;
});

after(async () => {
  if (!server) return;
  const exited = new Promise((resolve) => server.on('exit', (code) => resolve(code)));
  server.kill('SIGTERM');
  assert.equal(await exited, 0, 'the server stops cleanly on SIGTERM');
});

test('a remote traversal and a submitted script', async () => {
  const label = 'J' + randomUUID().replaceAll('-', '').slice(0, 12);
  const connection = new DriverRemoteConnection(`ws://${address}/gremlin`);
  const client = new Client(`ws://${address}/gremlin`, { traversalSource: 'g' });
  try {
    const g = traversal().withRemote(connection);
    await g.addV(label).property('name', 'ann').property('age', 31).as('a')
      .addV(label).property('name', 'bob').property('age', 27).as('b')
      .addE('knows').from_('a').to('b').iterate();
    assert.equal(await g.V().hasLabel(label).count().next().then((r) => r.value), 2);
    assert.deepEqual(await g.V().hasLabel(label).has('age', P.gt(30)).values('name').toList(), ['ann']);
    const ann = (await g.V().hasLabel(label).has('name', 'ann').next()).value;
    assert.equal(ann.label, label);
    const knows = await g.V().hasLabel(label).outE('knows').toList();
    assert.equal(knows.length, 1);
    assert.equal(knows[0].label, 'knows');
    assert.equal(knows[0].outV.id, ann.id);

    const result = await client.submit(`g.V().hasLabel('${label}').has('name', who).values('age')`, { who: 'bob' });
    assert.deepEqual(result.toArray(), [27]);
    await assert.rejects(client.submit('g.V().has('), (e) => e.statusCode === 597);
  } finally {
    await client.close();
    await connection.close();
  }
});
