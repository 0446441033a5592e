"""Neptune-style HTTP (`/openCypher`, `/status`) of a Plexus server, spoken
with the standard library as graph-notebook and curl speak it."""

import json
import urllib.error
import urllib.parse
import urllib.request


def post_form(http_address, fields):
    data = urllib.parse.urlencode(fields).encode()
    req = urllib.request.Request(f"http://{http_address}/openCypher", data=data)
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:
            return resp.status, json.load(resp)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def test_open_cypher_form_with_parameters(http_address):
    status, body = post_form(
        http_address, {"query": "UNWIND $xs AS x RETURN x * 2 AS y", "parameters": json.dumps({"xs": [1, 2, 3]})}
    )
    assert status == 200
    assert body == {"results": [{"y": 2}, {"y": 4}, {"y": 6}]}


def test_open_cypher_graph_elements(http_address):
    status, body = post_form(
        http_address,
        {"query": "CREATE p = (a:airport {code: 'SEA'})-[r:route {dist: 2180}]->(b:airport {code: 'ANC'}) RETURN a, r, p"},
    )
    assert status == 200
    row = body["results"][0]
    assert row["a"]["~entityType"] == "node" and row["a"]["~labels"] == ["airport"]
    assert row["a"]["~properties"] == {"code": "SEA"} and isinstance(row["a"]["~id"], str)
    assert row["r"]["~type"] == "route" and row["r"]["~start"] == row["a"]["~id"]
    assert [e["~entityType"] for e in row["p"]] == ["node", "relationship", "node"]


def test_open_cypher_get_and_json(http_address):
    query = urllib.parse.urlencode({"query": "RETURN 1 AS one"})
    with urllib.request.urlopen(f"http://{http_address}/openCypher?{query}", timeout=20) as resp:
        assert json.load(resp) == {"results": [{"one": 1}]}
    req = urllib.request.Request(
        f"http://{http_address}/opencypher",
        data=json.dumps({"query": "RETURN $s AS s", "parameters": {"s": "json"}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=20) as resp:
        assert json.load(resp) == {"results": [{"s": "json"}]}


def test_open_cypher_errors(http_address):
    status, body = post_form(http_address, {"query": "RETURN 1 +"})
    assert status == 400 and body["code"] == "MalformedQueryException"
    assert body["detailedMessage"] and len(body["requestId"]) == 36


def test_status(http_address):
    with urllib.request.urlopen(f"http://{http_address}/status", timeout=20) as resp:
        body = json.load(resp)
    assert body["status"] == "healthy" and body["role"] == "writer"
