"""`/gremlin` (GraphSON 3, as TinkerPop's HTTP endpoint and Neptune answer)
and `/metrics` (Prometheus text) of a Plexus server, spoken with
`http.client` as curl and graph-notebook speak them. The server is shared
with the other tests, so data is written under its own labels and counters
are compared before and after."""

import http.client
import json
import urllib.parse
import uuid

import pytest


def request(http_address, method, path, body=None, headers=None):
    host, port = http_address.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=20)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.getheader("Content-Type", ""), resp.read().decode()
    finally:
        conn.close()


def gremlin(http_address, script, bindings=None):
    payload = {"gremlin": script}
    if bindings is not None:
        payload["bindings"] = bindings
    status, _, text = request(
        http_address, "POST", "/gremlin", json.dumps(payload), {"Content-Type": "application/json"}
    )
    return status, json.loads(text)


def data(http_address, script, bindings=None):
    status, body = gremlin(http_address, script, bindings)
    assert status == 200, body
    assert body["status"]["code"] == 200 and body["result"]["data"]["@type"] == "g:List"
    return body["result"]["data"]["@value"]


def metrics(http_address):
    status, ctype, text = request(http_address, "GET", "/metrics")
    assert status == 200 and ctype.startswith("text/plain")
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, value = line.rsplit(" ", 1)
            samples[key] = float(value)
    return samples


@pytest.fixture
def label():
    return "G" + uuid.uuid4().hex[:10]


def test_gremlin_counts_vertices_and_edges(http_address, label):
    data(http_address, f"g.addV('{label}').property('name', 'a').as('a')"
                       f".addV('{label}').property('name', 'b').addE('knows').from('a').property('w', 0.5)")
    assert data(http_address, f"g.V().hasLabel('{label}').count()") == [{"@type": "g:Int64", "@value": 2}]
    [vertex] = data(http_address, f"g.V().hasLabel('{label}').has('name', n)", {"n": "a"})
    assert vertex["@type"] == "g:Vertex" and vertex["@value"]["label"] == label
    name = vertex["@value"]["properties"]["name"][0]
    assert name["@type"] == "g:VertexProperty" and name["@value"]["value"] == "a"
    [edge] = data(http_address, f"g.V().hasLabel('{label}').outE('knows')")
    e = edge["@value"]
    assert edge["@type"] == "g:Edge" and e["label"] == "knows"
    assert e["outV"] == vertex["@value"]["id"] and e["inVLabel"] == label and e["outVLabel"] == label
    assert e["properties"]["w"]["@value"] == {"key": "w", "value": {"@type": "g:Double", "@value": 0.5}}
    [path] = data(http_address, f"g.V().hasLabel('{label}').out('knows').path().by('name')")
    assert path["@type"] == "g:Path" and path["@value"]["objects"]["@value"] == ["a", "b"]
    [element_map] = data(http_address, f"g.V().hasLabel('{label}').has('name', 'b').elementMap()")
    assert element_map["@type"] == "g:Map"
    keys = element_map["@value"][0::2]
    assert {"@type": "g:T", "@value": "label"} in keys and {"@type": "g:T", "@value": "id"} in keys


def test_gremlin_get_form(http_address):
    query = urllib.parse.urlencode({"gremlin": "g.inject(x).fold()", "bindings.x": "7"})
    status, ctype, text = request(http_address, "GET", f"/gremlin?{query}")
    assert status == 200 and ctype.startswith("application/json")
    assert json.loads(text)["result"]["data"]["@value"] == [
        {"@type": "g:List", "@value": [{"@type": "g:Int64", "@value": 7}]}
    ]


def test_gremlin_syntax_error_is_neptune_400(http_address):
    status, body = gremlin(http_address, "g.V(.count(")
    assert status == 400
    assert body["code"] == "MalformedQueryException"
    assert body["detailedMessage"] and len(body["requestId"]) == 36


def test_metrics_count_http_queries(http_address):
    ok = 'plexus_queries_total{language="gremlin",outcome="ok",protocol="http"}'
    err = 'plexus_queries_total{language="gremlin",outcome="error",protocol="http"}'
    cypher = 'plexus_queries_total{language="cypher",outcome="ok",protocol="http"}'
    before = metrics(http_address)
    data(http_address, "g.V().limit(1).count()")
    data(http_address, "g.inject(1)")
    assert gremlin(http_address, "g.V(.")[0] == 400
    status, _, _ = request(http_address, "GET", "/openCypher?" + urllib.parse.urlencode({"query": "RETURN 1"}))
    assert status == 200
    after = metrics(http_address)
    assert after.get(ok, 0) - before.get(ok, 0) == 2
    assert after.get(err, 0) - before.get(err, 0) == 1
    assert after.get(cypher, 0) - before.get(cypher, 0) == 1
    assert after["plexus_commits_total"] >= before.get("plexus_commits_total", 0)
    assert after["plexus_uptime_seconds"] >= 0 and "plexus_store_nodes" in after


def test_metrics_count_bolt_queries(http_address, bolt_address):
    neo4j = pytest.importorskip("neo4j")
    key = 'plexus_queries_total{language="cypher",outcome="ok",protocol="bolt"}'
    before = metrics(http_address)
    with neo4j.GraphDatabase.driver(f"bolt://{bolt_address}", auth=("neo4j", "pw")) as driver:
        with driver.session() as session:
            assert session.run("RETURN 1 AS n").single()["n"] == 1
            assert session.run("RETURN 2 AS n").single()["n"] == 2
            during = metrics(http_address)
            assert during['plexus_connections_active{protocol="bolt"}'] >= 1
    after = metrics(http_address)
    assert after.get(key, 0) - before.get(key, 0) == 2
    durations = 'plexus_query_duration_seconds_count{language="cypher",protocol="bolt"}'
    assert after[durations] - before.get(durations, 0) == 2
