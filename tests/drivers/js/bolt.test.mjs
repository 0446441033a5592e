// The official `neo4j-driver` (JavaScript) against a Plexus server, over
// bolt:// and neo4j://. Run by scripts/driver-tests with node's test runner;
// the server is started as in conftest.py (PLEXUS_SERVE_CMD, `{port}`), or
// PLEXUS_BOLT_ADDR names one already running. The driver is loaded from the
// npm folder PLEXUS_JS_DIR (default ~/.cache/plexus-js), kept outside the clone.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createRequire } from 'node:module';
import { startServer } from './server.mjs';
import os from 'node:os';

const jsDir = process.env.PLEXUS_JS_DIR ?? path.join(os.homedir(), '.cache', 'plexus-js');
const loaded = createRequire(path.join(jsDir, 'package.json'))('neo4j-driver');
const neo4j = loaded.default ?? loaded;

let address = process.env.PLEXUS_BOLT_ADDR;
let server;

before(async () => {
  if (address) return;
  server = await startServer();
  address = server.bolt;
});

after(async () => {
  if (!server) return;
  assert.equal(await server.stop(), 0, 'the server stops cleanly on SIGTERM');
});

const label = () => 'J' + randomUUID().replaceAll('-', '').slice(0, 12);

for (const scheme of ['bolt', 'neo4j']) {
  describe(`${scheme}://`, () => {
    let driver;
    before(() => { driver = neo4j.driver(`${scheme}://${address}`, neo4j.auth.basic('neo4j', 'pw')); });
    after(() => driver.close());

    test('server info', async () => {
      const info = await driver.getServerInfo();
      assert.match(info.agent, /^Neo4j\//);
      // PLEXUS_MIN_BOLT=4.4 when the server is made to offer less than 5.x.
      const [major, minor] = (process.env.PLEXUS_MIN_BOLT ?? '5.0').split('.').map(Number);
      const { major: got, minor: gotMinor } = info.protocolVersion;
      assert.ok(got > major || (got === major && gotMinor >= minor), `${got}.${gotMinor}`);
    });

    test('session.run streams in fetchSize pieces', async () => {
      const session = driver.session({ fetchSize: 7 });
      try {
        const result = await session.run('UNWIND range(1, 100) AS x RETURN x');
        assert.deepEqual(result.records.map((r) => r.get('x').toNumber()), [...Array(100).keys()].map((i) => i + 1));
      } finally {
        await session.close();
      }
    });

    test('executeQuery reads and writes with counters', async () => {
      const l = label();
      const written = await driver.executeQuery(`CREATE (a:${l} {name: $name})-[:KNOWS]->(:${l}) RETURN a.name AS name`, { name: 'Ann' });
      assert.equal(written.records[0].get('name'), 'Ann');
      const c = written.summary.counters.updates();
      assert.deepEqual([c.nodesCreated, c.relationshipsCreated, c.propertiesSet], [2, 1, 1]);
      assert.equal(written.summary.queryType, 'rw');
      const read = await driver.executeQuery(`MATCH (n:${l}) RETURN count(n) AS c`, {}, { routing: neo4j.routing.READ });
      assert.equal(read.records[0].get('c').toNumber(), 2);
      assert.equal(read.summary.database.name, 'neo4j');
    });

    test('explicit and managed transactions', async () => {
      const l = label();
      const session = driver.session();
      try {
        const tx = session.beginTransaction();
        await tx.run(`CREATE (:${l} {v: 1})`);
        await tx.commit();
        const rolled = session.beginTransaction();
        await rolled.run(`CREATE (:${l} {v: 2})`);
        await rolled.rollback();
        await session.executeWrite((t) => t.run(`CREATE (:${l} {v: 40})`));
        const sum = await session.executeRead((t) => t.run(`MATCH (n:${l}) RETURN sum(n.v) AS s`));
        assert.equal(sum.records[0].get('s').toNumber(), 41);
        assert.match(session.lastBookmarks()[0], /^plexus:\d+$/);
      } finally {
        await session.close();
      }
    });

    test('parameters round trip', async () => {
      const values = [
        null, true, neo4j.int(-129), neo4j.int('9223372036854775807'), 1.5, 'grüße', [neo4j.int(1), 'two', null],
        { a: neo4j.int(1), b: [] },
        new neo4j.types.Date(2024, 2, 29),
        new neo4j.types.LocalTime(1, 2, 3, 123456789),
        new neo4j.types.Time(23, 59, 59, 0, -18000),
        new neo4j.types.LocalDateTime(2020, 5, 6, 7, 8, 9, 987654321),
        new neo4j.types.DateTime(2024, 1, 2, 3, 4, 5, 6000, 3600),
        new neo4j.types.Duration(14, 3, 7, 9),
      ];
      for (const v of values) {
        const { records } = await driver.executeQuery('RETURN $v AS v', { v });
        const got = records[0].get('v');
        if (v !== null && typeof v === 'object' && typeof v.toString === 'function' && !Array.isArray(v) && v.constructor !== Object) {
          assert.equal(got.toString(), v.toString());
        } else {
          assert.deepEqual(got, v);
        }
      }
      // A zone without an offset comes back with the offset the zone has then
      // (the legacy 4.x form carries no offset: the driver leaves it out).
      const zoned = new neo4j.types.DateTime(2024, 7, 1, 14, 0, 0, 0, undefined, 'Europe/Berlin');
      const { records } = await driver.executeQuery('RETURN $v AS v', { v: zoned });
      const got = records[0].get('v');
      assert.equal(got.timeZoneId, 'Europe/Berlin');
      assert.equal(got.hour.toNumber ? got.hour.toNumber() : got.hour, 14);
      if (got.timeZoneOffsetSeconds !== undefined) {
        assert.equal(got.toString(), '2024-07-01T14:00:00+02:00[Europe/Berlin]');
      }
    });

    test('nodes, relationships and paths', async () => {
      const l = label();
      const { records } = await driver.executeQuery(
        `CREATE p = (a:${l} {name: 'Ann'})-[r:KNOWS]->(b:${l} {name: 'Bob'})<-[:LIKES]-(:${l} {name: 'Cy'}) RETURN a, r, b, p`);
      const [a, r, b, p] = ['a', 'r', 'b', 'p'].map((k) => records[0].get(k));
      assert.ok(a.labels.includes(l));
      assert.equal(a.properties.name, 'Ann');
      assert.equal(r.type, 'KNOWS');
      assert.equal(r.startNodeElementId, a.elementId);
      assert.equal(r.endNodeElementId, b.elementId);
      assert.equal(p.length, 2);
      assert.deepEqual(p.segments.map((s) => [s.start.properties.name, s.relationship.type, s.end.properties.name]),
        [['Ann', 'KNOWS', 'Bob'], ['Bob', 'LIKES', 'Cy']]);
    });

    test('errors carry Neo4j codes', async () => {
      const cases = [
        ['RETURN 1 +', 'Neo.ClientError.Statement.SyntaxError'],
        ['RETURN $missing', 'Neo.ClientError.Statement.ParameterMissing'],
        ['RETURN 1 / 0', 'Neo.ClientError.Statement.ArithmeticError'],
      ];
      for (const [query, code] of cases) {
        await assert.rejects(driver.executeQuery(query), (e) => e.code === code && e.gqlStatus && e.gqlStatus !== '50N42');
      }
      const session = driver.session();
      try {
        await assert.rejects(session.run('RETRUN 1'));
        assert.equal((await session.run('RETURN 2 AS n')).records[0].get('n').toNumber(), 2);
      } finally {
        await session.close();
      }
    });
  });
}
