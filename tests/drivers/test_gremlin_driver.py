"""gremlinpython 3.8.2 against Plexus's Gremlin Server WebSocket (`ws://…/gremlin`):
a remote traversal source sending bytecode in GraphBinary, `client.submit`
with a script and bindings, vertices, edges, paths and maps, `g.tx()` commits
and rollbacks, and errors raised as `GremlinServerError` with our message.
The server is shared with the other driver tests, so each test writes under
labels of its own."""

import os
import subprocess
import uuid

import pytest
from gremlin_python.driver.client import Client
from gremlin_python.driver.driver_remote_connection import DriverRemoteConnection
from gremlin_python.driver.protocol import GremlinServerError
from gremlin_python.driver.serializer import GraphSONSerializersV3d0
from gremlin_python.process.anonymous_traversal import traversal
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.traversal import P, T
from gremlin_python.structure.graph import Edge, Path, Vertex

from conftest import REPO, _free_port, running_server


@pytest.fixture(scope="module")
def url(http_address):
    return f"ws://{http_address}/gremlin"


@pytest.fixture(scope="module")
def g(url):
    connection = DriverRemoteConnection(url, "g")
    yield traversal().with_(connection)
    connection.close()


@pytest.fixture(scope="module")
def client(url):
    c = Client(url, "g")
    yield c
    c.close()


@pytest.fixture
def label():
    return "P" + uuid.uuid4().hex[:10]


def seed(g, label):
    """Two vertices joined by an edge, with properties, under `label`."""
    g.add_v(label).property("name", "ann").property("age", 31).as_("a") \
        .add_v(label).property("name", "bob").property("age", 27).as_("b") \
        .add_e("knows").from_("a").to("b").property("weight", 0.5).iterate()


def test_bytecode_traversals_count_filter_and_order(g, label):
    seed(g, label)
    assert g.V().has_label(label).count().next() == 2
    assert g.V().has_label(label).has("age", P.gt(30)).values("name").to_list() == ["ann"]
    assert g.V().has_label(label).order().by("age").values("name").to_list() == ["bob", "ann"]
    assert g.V().has_label(label).out("knows").values("name").to_list() == ["bob"]
    assert g.V().has_label(label).where(__.out("knows")).values("name").to_list() == ["ann"]


def test_vertices_edges_and_paths(g, label):
    seed(g, label)
    ann = g.V().has_label(label).has("name", "ann").next()
    assert isinstance(ann, Vertex) and ann.label == label
    assert {p.key: p.value for p in ann.properties} == {"name": "ann", "age": 31}
    # A vertex from a result can start the next traversal.
    assert g.V(ann).values("name").next() == "ann"
    edge = g.V(ann).out_e("knows").next()
    assert isinstance(edge, Edge) and edge.label == "knows"
    assert edge.outV.id == ann.id and edge.inV.label == label
    assert {p.key: p.value for p in edge.properties} == {"weight": 0.5}
    path = g.V(ann).out("knows").path().by("name").next()
    assert isinstance(path, Path) and list(path.objects) == ["ann", "bob"]


def test_value_map_and_element_map(g, label):
    seed(g, label)
    assert g.V().has_label(label).has("name", "bob").value_map().next() == {"name": ["bob"], "age": [27]}
    element = g.V().has_label(label).has("name", "bob").element_map().next()
    assert element[T.label] == label and element["name"] == "bob" and element["age"] == 27
    assert T.id in element


def test_submit_a_script_with_bindings(client, g, label):
    seed(g, label)
    result = client.submit(f"g.V().hasLabel('{label}').has('name', who).values('age')", {"who": "bob"}).all().result()
    assert result == [27]
    vertices = client.submit(f"g.V().hasLabel('{label}')").all().result()
    assert sorted(v.label for v in vertices) == [label, label]


def test_graphson_serializer(url, g, label):
    seed(g, label)
    c = Client(url, "g", message_serializer=GraphSONSerializersV3d0())
    try:
        assert c.submit(f"g.V().hasLabel('{label}').count()").all().result() == [2]
    finally:
        c.close()


def test_a_transaction_commits(g, label):
    tx = g.tx()
    gtx = tx.begin()
    gtx.add_v(label).property("name", "in-tx").iterate()
    assert gtx.V().has_label(label).count().next() == 1
    assert g.V().has_label(label).count().next() == 0
    tx.commit()
    assert g.V().has_label(label).count().next() == 1


def test_a_transaction_rolls_back(g, label):
    tx = g.tx()
    gtx = tx.begin()
    gtx.add_v(label).iterate()
    tx.rollback()
    assert g.V().has_label(label).count().next() == 0


def test_a_script_session_keeps_its_transaction_open_until_commit(url, client, label):
    session = Client(url, "g", session=str(uuid.uuid4()))
    try:
        session.submit(f"g.addV('{label}')").all().result()
        assert session.submit(f"g.V().hasLabel('{label}').count()").all().result() == [1]
        assert client.submit(f"g.V().hasLabel('{label}').count()").all().result() == [0]
        session.submit("g.tx().commit()").all().result()
        assert client.submit(f"g.V().hasLabel('{label}').count()").all().result() == [1]
    finally:
        session.close()


def test_errors_are_gremlin_server_errors_with_our_message(client, g):
    with pytest.raises(GremlinServerError) as failed:
        client.submit("g.V().has(").all().result()
    assert failed.value.status_code == 597
    with pytest.raises(GremlinServerError) as refused:
        g.V().map(lambda: "it.get()").to_list()
    assert refused.value.status_code == 499
    assert "lambdas are not supported" in str(refused.value)


@pytest.fixture(scope="module")
def auth_url(tmp_path_factory):
    """A server of its own with --auth and one user, ann/pw."""
    if os.environ.get("PLEXUS_SERVE_CMD") or os.environ.get("PLEXUS_BOLT_ADDR"):
        pytest.skip("needs the plexus binary to start a server with --auth")
    binary = f"{os.environ.get('CARGO_TARGET_DIR', str(REPO / 'target'))}/debug/plexus"
    data = tmp_path_factory.mktemp("auth-data")
    subprocess.run([binary, "user", "add", "ann", "--password", "pw", "--data-dir", str(data)], check=True,
                   capture_output=True)
    port, http_port = _free_port(), _free_port()
    cmd = [binary, "serve", "--data-dir", str(data), "--auth", "--bolt-port", str(port), "--http-port", str(http_port)]
    with running_server(cmd, [http_port], ".auth", "the --auth server"):
        yield f"ws://127.0.0.1:{http_port}/gremlin"


def test_sasl_plain_with_the_driver_credentials(auth_url):
    connection = DriverRemoteConnection(auth_url, "g", username="ann", password="pw")
    try:
        assert traversal().with_(connection).V().count().next() == 0
    finally:
        connection.close()
    wrong = Client(auth_url, "g", username="ann", password="nope")
    try:
        with pytest.raises(GremlinServerError) as refused:
            wrong.submit("g.V().count()").all().result()
        assert refused.value.status_code == 401
    finally:
        wrong.close()
