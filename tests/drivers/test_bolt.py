"""The official `neo4j` Python driver against a Plexus server, over bolt://
and neo4j:// (routing). Each test writes under its own label, so tests share
the server's one database without seeing each other's data."""

import asyncio
import datetime as dt
import os
import uuid

import pytest
import pytz

import neo4j
from neo4j import GraphDatabase, AsyncGraphDatabase, RoutingControl
from neo4j.exceptions import ClientError, ConstraintError, CypherSyntaxError, CypherTypeError
from neo4j.graph import Node, Path, Relationship
from neo4j.time import Date, DateTime, Duration, Time


@pytest.fixture(params=["bolt", "neo4j"])
def uri(request, bolt_address):
    return f"{request.param}://{bolt_address}"


@pytest.fixture
def driver(uri):
    with GraphDatabase.driver(uri, auth=("neo4j", "any-password")) as d:
        yield d


@pytest.fixture
def label():
    """A label no other test uses."""
    return "T" + uuid.uuid4().hex[:12]


def test_server_info_and_protocol(driver):
    driver.verify_connectivity()
    info = driver.get_server_info()
    assert info.agent.startswith("Neo4j/")
    # PLEXUS_MIN_BOLT=4.4 when the server is made to offer less than 5.x.
    expected = tuple(int(p) for p in os.environ.get("PLEXUS_MIN_BOLT", "5.0").split("."))
    assert info.protocol_version >= expected


def test_session_run(driver):
    with driver.session() as session:
        assert session.run("RETURN 1 AS n").single()["n"] == 1
        result = session.run("UNWIND range(1, 3) AS x RETURN x, x * x AS sq")
        assert result.keys() == ["x", "sq"]
        assert [(r["x"], r["sq"]) for r in result] == [(1, 1), (2, 4), (3, 9)]


def test_results_stream_in_fetch_size_pieces(driver):
    with driver.session(fetch_size=7) as session:
        values = [r["x"] for r in session.run("UNWIND range(1, 100) AS x RETURN x")]
    assert values == list(range(1, 101))


def test_partially_consumed_results_are_discarded(driver):
    with driver.session(fetch_size=2) as session:
        result = session.run("UNWIND range(1, 50) AS x RETURN x")
        assert next(iter(result))["x"] == 1
        summary = result.consume()
        assert summary.query_type == "r"
        assert session.run("RETURN 'after' AS s").single()["s"] == "after"


def test_execute_query_with_counters_and_routing(driver, label):
    records, summary, keys = driver.execute_query(
        f"CREATE (a:{label} {{name: $name}})-[:KNOWS]->(b:{label}) RETURN a.name AS name", name="Ann"
    )
    assert keys == ["name"] and records[0]["name"] == "Ann"
    counters = summary.counters
    assert (counters.nodes_created, counters.relationships_created, counters.properties_set) == (2, 1, 1)
    assert counters.labels_added == 2 and counters.contains_updates
    assert summary.query_type == "rw"
    assert summary.database == "neo4j"
    records, summary, _ = driver.execute_query(
        f"MATCH (n:{label}) RETURN count(n) AS c", routing_=RoutingControl.READ
    )
    assert records[0]["c"] == 2
    assert summary.query_type == "r" and not summary.counters.contains_updates


def test_explicit_transactions_commit_and_roll_back(driver, label):
    with driver.session() as session:
        with session.begin_transaction() as tx:
            tx.run(f"CREATE (:{label} {{v: 1}})").consume()
            # Several open results in one transaction.
            first = tx.run("UNWIND [1, 2] AS x RETURN x")
            second = tx.run(f"MATCH (n:{label}) RETURN n.v AS v")
            assert [r["v"] for r in second] == [1]
            assert [r["x"] for r in first] == [1, 2]
            tx.commit()
        tx = session.begin_transaction()
        tx.run(f"CREATE (:{label} {{v: 2}})").consume()
        tx.rollback()
        assert session.run(f"MATCH (n:{label}) RETURN collect(n.v) AS vs").single()["vs"] == [1]


def test_managed_transactions(driver, label):
    def create(tx, v):
        return tx.run(f"CREATE (n:{label} {{v: $v}}) RETURN n.v AS v", v=v).single()["v"]

    def total(tx):
        return tx.run(f"MATCH (n:{label}) RETURN sum(n.v) AS s").single()["s"]

    with driver.session() as session:
        assert session.execute_write(create, 20) == 20
        assert session.execute_write(create, 22) == 22
        assert session.execute_read(total) == 42


def test_a_failed_transaction_leaves_nothing_behind(driver, label):
    with driver.session() as session:
        with pytest.raises(CypherSyntaxError):
            with session.begin_transaction() as tx:
                tx.run(f"CREATE (:{label})").consume()
                tx.run("RETURN undefined_variable").consume()
        assert session.run(f"MATCH (n:{label}) RETURN count(n) AS c").single()["c"] == 0


ROUND_TRIP = [
    None,
    True,
    False,
    0,
    -1,
    127,
    -129,
    2**31,
    -(2**63),
    2**63 - 1,
    1.5,
    -0.0,
    float("inf"),
    "",
    "grüße, 世界",
    "x" * 70000,
    [],
    [1, "two", None, [3.0]],
    {},
    {"a": 1, "nested": {"b": [True, None]}},
    dt.date(2024, 2, 29),
    dt.date(1, 1, 1),
    dt.time(12, 34, 56, 789000),
    # (datetime.timezone offsets on a time trip up the driver itself; pytz ones do not)
    dt.time(23, 59, 59, tzinfo=pytz.FixedOffset(-300)),
    dt.datetime(2024, 1, 2, 3, 4, 5, 6000),
    dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc),
    dt.datetime(1969, 12, 31, 23, 59, 59, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))),
    pytz.timezone("Europe/Berlin").localize(dt.datetime(2024, 7, 1, 14, 0)),
    pytz.timezone("America/New_York").localize(dt.datetime(2024, 1, 15, 8, 30)),
    Date(2024, 12, 31),
    Time(1, 2, 3, 123456789),
    DateTime(2020, 5, 6, 7, 8, 9, 987654321),
    Duration(years=1, months=2, days=3, hours=4, minutes=5, seconds=6, nanoseconds=7),
    Duration(days=-1, seconds=-30),
    dt.timedelta(days=2, seconds=3, microseconds=4),
]


@pytest.mark.parametrize("value", ROUND_TRIP, ids=lambda v: type(v).__name__ + ":" + repr(v)[:40])
def test_parameters_round_trip(driver, value):
    records, _, _ = driver.execute_query("RETURN $v AS v", v=value)
    got = records[0]["v"]
    if isinstance(value, dt.timedelta):
        value = Duration(days=value.days, seconds=value.seconds, microseconds=value.microseconds)
    if isinstance(value, float) and value == 0:
        assert str(got) == str(value)
    assert got == value
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        assert got.utcoffset() == value.utcoffset()


def test_parameters_reach_the_query_as_values(driver):
    records, _, _ = driver.execute_query(
        "RETURN $n + 1 AS n, $xs[1] AS second, $m.k AS k, $d.year AS year, $s STARTS WITH 'ab' AS prefixed",
        n=41,
        xs=[10, 20, 30],
        m={"k": "v"},
        d=dt.date(2024, 5, 17),
        s="abc",
    )
    assert dict(records[0]) == {"n": 42, "second": 20, "k": "v", "year": 2024, "prefixed": True}


def test_byte_array_parameters_are_a_client_error(driver):
    with pytest.raises(ClientError) as err:
        driver.execute_query("RETURN $b AS b", b=b"\x00\x01")
    assert err.value.code == "Neo.ClientError.Statement.TypeError"


def test_nodes_relationships_and_paths(driver, label):
    records, _, _ = driver.execute_query(
        f"CREATE p = (a:{label}:Person {{name: 'Ann', age: 30}})-[r:KNOWS {{since: 2020}}]->"
        f"(b:{label} {{name: 'Bob'}})<-[s:LIKES]-(c:{label} {{name: 'Cy'}}) RETURN a, r, b, p"
    )
    a, r, b, p = records[0]["a"], records[0]["r"], records[0]["b"], records[0]["p"]
    assert isinstance(a, Node) and a.labels == {label, "Person"} and dict(a) == {"name": "Ann", "age": 30}
    assert isinstance(r, Relationship) and r.type == "KNOWS" and r["since"] == 2020
    assert r.start_node.element_id == a.element_id and r.end_node.element_id == b.element_id
    assert isinstance(p, Path) and len(p) == 2
    assert [n["name"] for n in p.nodes] == ["Ann", "Bob", "Cy"]
    assert [rel.type for rel in p.relationships] == ["KNOWS", "LIKES"]
    likes = p.relationships[1]
    assert likes.start_node["name"] == "Cy" and likes.end_node["name"] == "Bob"
    # element ids name the same entities as elementId() does.
    found, _, _ = driver.execute_query(
        f"MATCH (n:{label}) WHERE elementId(n) = $id RETURN n.name AS name", id=a.element_id
    )
    assert found[0]["name"] == "Ann"


def test_temporal_results_from_cypher(driver):
    records, _, _ = driver.execute_query(
        "RETURN date('2024-01-01') AS d, localtime('12:00:00.000000001') AS lt, time('10:15:30+02:00') AS t, "
        "localdatetime('2015-07-21T21:40:32.142') AS ldt, "
        "datetime('2024-07-01T12:00:00[Europe/Berlin]') AS zdt, datetime('2015-06-24T12:50:35.556+01:00') AS odt, "
        "duration('P1Y2M3DT4H5M6.5S') AS dur"
    )
    r = records[0]
    assert r["d"] == Date(2024, 1, 1)
    assert r["lt"] == Time(12, 0, 0, 1)
    assert r["t"] == Time(10, 15, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert r["ldt"] == DateTime(2015, 7, 21, 21, 40, 32, 142000000)
    zdt = r["zdt"]
    assert (zdt.hour, zdt.tzinfo.zone, zdt.utcoffset()) == (12, "Europe/Berlin", dt.timedelta(hours=2))
    assert r["odt"].utcoffset() == dt.timedelta(hours=1) and r["odt"].hour == 12
    assert r["dur"] == Duration(years=1, months=2, days=3, hours=4, minutes=5, seconds=6, nanoseconds=500000000)


@pytest.mark.parametrize(
    "query, params, error, code",
    [
        ("RETURN 1 +", {}, CypherSyntaxError, "Neo.ClientError.Statement.SyntaxError"),
        ("RETURN x", {}, CypherSyntaxError, "Neo.ClientError.Statement.SyntaxError"),
        ("RETURN $missing", {}, ClientError, "Neo.ClientError.Statement.ParameterMissing"),
        ("RETURN 1 / 0", {}, ClientError, "Neo.ClientError.Statement.ArithmeticError"),
        ("RETURN $s - 1", {"s": "a"}, CypherTypeError, "Neo.ClientError.Statement.TypeError"),
        ("CALL no.such.procedure()", {}, ClientError, "Neo.ClientError.Procedure.ProcedureNotFound"),
    ],
)
def test_errors_have_neo4j_classes_and_codes(driver, query, params, error, code):
    with pytest.raises(error) as err:
        driver.execute_query(query, params)
    assert err.value.code == code
    assert err.value.message
    # 5.7+ drivers read GQL status fields too.
    if driver.get_server_info().protocol_version >= (5, 7):
        assert err.value.gql_status and err.value.gql_status != "50N42"


def test_deleting_a_connected_node_is_a_constraint_error(driver, label):
    driver.execute_query(f"CREATE (:{label})-[:R]->(:{label})")
    with pytest.raises(ConstraintError) as err:
        driver.execute_query(f"MATCH (n:{label}) DELETE n")
    assert err.value.code == "Neo.ClientError.Schema.ConstraintValidationFailed"


def test_a_session_recovers_after_an_error(driver):
    with driver.session() as session:
        with pytest.raises(CypherSyntaxError):
            session.run("RETRUN 1").consume()
        assert session.run("RETURN 2 AS n").single()["n"] == 2


def test_bookmarks_chain_sessions(driver, label):
    with driver.session() as writer:
        writer.run(f"CREATE (:{label} {{v: 1}})").consume()
        bookmarks = writer.last_bookmarks()
    assert list(bookmarks.raw_values) and all(b.startswith("plexus:") for b in bookmarks.raw_values)
    with driver.session(bookmarks=bookmarks, default_access_mode=neo4j.READ_ACCESS) as reader:
        assert reader.run(f"MATCH (n:{label}) RETURN count(n) AS c").single()["c"] == 1
    # execute_query's bookmark manager carries bookmarks between calls.
    manager = GraphDatabase.bookmark_manager()
    driver.execute_query(f"CREATE (:{label} {{v: 2}})", bookmark_manager_=manager)
    assert list(manager.get_bookmarks())
    records, _, _ = driver.execute_query(f"MATCH (n:{label}) RETURN count(n) AS c", bookmark_manager_=manager)
    assert records[0]["c"] == 2


def test_bookmarks_grow_with_commits(driver, label):
    def seq(bookmarks):
        return max(int(b.split(":")[1]) for b in bookmarks.raw_values)

    with driver.session() as session:
        session.run(f"CREATE (:{label})").consume()
        first = seq(session.last_bookmarks())
        session.execute_write(lambda tx: tx.run(f"CREATE (:{label})").consume())
        assert seq(session.last_bookmarks()) > first


def test_the_default_database_can_be_named(driver):
    for db in ["neo4j", None]:
        records, summary, _ = driver.execute_query("RETURN 1 AS n", database_=db)
        assert records[0]["n"] == 1 and summary.database == "neo4j"


def test_unknown_databases_are_refused(driver):
    with pytest.raises(ClientError) as err:
        driver.execute_query("RETURN 1", database_="nope")
    assert err.value.code == "Neo.ClientError.Database.DatabaseNotFound"


def test_no_auth_is_accepted(uri):
    with GraphDatabase.driver(uri, auth=None) as d:
        assert d.execute_query("RETURN 3 AS n").records[0]["n"] == 3


def test_the_async_driver(uri):
    async def main():
        async with AsyncGraphDatabase.driver(uri, auth=("neo4j", "pw")) as d:
            async with d.session() as session:
                result = await session.run("UNWIND range(1, 5) AS x RETURN sum(x) AS s")
                record = await result.single()
                return record["s"]

    assert asyncio.run(main()) == 15


def test_concurrent_sessions(driver, label):
    from concurrent.futures import ThreadPoolExecutor

    def work(i):
        with driver.session() as session:
            session.execute_write(lambda tx: tx.run(f"CREATE (:{label} {{i: $i}})", i=i).consume())
            return session.run("RETURN $i AS i", i=i).single()["i"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert sorted(pool.map(work, range(40))) == list(range(40))
    assert driver.execute_query(f"MATCH (n:{label}) RETURN count(n) AS c").records[0]["c"] == 40


def test_writes_in_read_transactions_are_refused(driver, label):
    with pytest.raises(ClientError) as err:
        driver.execute_query(f"CREATE (:{label})", routing_=RoutingControl.READ)
    assert err.value.code == "Neo.ClientError.Statement.AccessMode"
    with driver.session() as session:
        with pytest.raises(ClientError):
            session.execute_read(lambda tx: tx.run(f"CREATE (:{label})").consume())
    assert driver.execute_query(f"MATCH (n:{label}) RETURN count(n) AS c").records[0]["c"] == 0


def test_explain_and_profile_return_the_plan(driver):
    with driver.session() as session:
        summary = session.run("EXPLAIN MATCH (n) RETURN n").consume()
        assert summary.plan and summary.plan["args"]["string-representation"]
        result = session.run("PROFILE UNWIND [1, 2] AS x RETURN x")
        assert [r["x"] for r in result] == [1, 2]
        profile = result.consume().profile
        assert profile and profile["args"]["string-representation"]
