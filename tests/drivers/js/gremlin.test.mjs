// The npm `gremlin` package (3.8.x) against Plexus's Gremlin Server WebSocket
// at ws://…/gremlin: a remote traversal (bytecode in GraphBinary) and a
// script submitted with bindings. Run by scripts/driver-tests with node's
// test runner; the server is started as in conftest.py (PLEXUS_SERVE_CMD with
// `{port}` and `{http_port}`), or PLEXUS_HTTP_ADDR names one already running.
// The package is loaded from the npm folder PLEXUS_JS_DIR (default
// ~/.cache/plexus-js), kept outside the clone.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createRequire } from 'node:module';
import { startServer } from './server.mjs';
import os from 'node:os';

const jsDir = process.env.PLEXUS_JS_DIR ?? path.join(os.homedir(), '.cache', 'plexus-js');
const gremlin = createRequire(path.join(jsDir, 'package.json'))('gremlin');
const { DriverRemoteConnection, Client } = gremlin.driver;
const { traversal } = gremlin.process.AnonymousTraversalSource;
const { P } = gremlin.process;

let address = process.env.PLEXUS_HTTP_ADDR;
let server;

before(async () => {
  if (address) return;
  server = await startServer();
  address = server.http;
});

after(async () => {
  if (!server) return;
  assert.equal(await server.stop(), 0, 'the server stops cleanly on SIGTERM');
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
