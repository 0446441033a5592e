"""The official `neo4j` Python driver over TLS: a Plexus server started by
this module with a self-signed certificate made by openssl, reached through
bolt+ssc:// and neo4j+ssc:// (any certificate accepted), through bolt:// with
the certificate as the trusted CA, and over https for /status. A plaintext
client is refused."""

import shutil
import ssl
import subprocess
import urllib.request
import uuid

import pytest

import neo4j
from neo4j import GraphDatabase
from neo4j.exceptions import ServiceUnavailable, UnsupportedServerProduct

from conftest import _free_port, _serve_command, running_server


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """(cert.pem, key.pem) for localhost and 127.0.0.1, valid for a day."""
    if shutil.which("openssl") is None:
        pytest.fail("openssl is needed to make the test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    return cert, key


@pytest.fixture(scope="module")
def tls_server(certificate):
    """(bolt, http) addresses of a server speaking only TLS (http is None when
    PLEXUS_SERVE_CMD has no {http_port})."""
    cert, key = certificate
    port, http_port = _free_port(), _free_port()
    cmd, has_http = _serve_command(port, http_port)
    cmd += ["--tls-cert", str(cert), "--tls-key", str(key)]
    with running_server(cmd, [port, http_port] if has_http else [port], ".tls", "the TLS server"):
        yield f"127.0.0.1:{port}", (f"127.0.0.1:{http_port}" if has_http else None)


@pytest.mark.parametrize("scheme", ["bolt+ssc", "neo4j+ssc"])
def test_self_signed_schemes_run_queries(tls_server, scheme):
    label = "Tls" + uuid.uuid4().hex[:12]
    with GraphDatabase.driver(f"{scheme}://{tls_server[0]}", auth=("neo4j", "any")) as driver:
        driver.verify_connectivity()
        assert driver.get_server_info().agent.startswith("Neo4j/")
        driver.execute_query(f"CREATE (:{label} {{name: $name}})", name="Ann")
        records, _, _ = driver.execute_query(
            f"MATCH (p:{label}) RETURN p, p.name AS name", routing_=neo4j.RoutingControl.READ
        )
        assert [r["name"] for r in records] == ["Ann"]
        assert list(records[0]["p"].labels) == [label]
        with driver.session() as session:
            with session.begin_transaction() as tx:
                tx.run(f"CREATE (:{label} {{name: 'Gone'}})").consume()
                tx.rollback()
            count = session.run(f"MATCH (p:{label}) RETURN count(p) AS n").single()["n"]
        assert count == 1


def test_bolt_with_the_certificate_as_trusted_ca(tls_server, certificate):
    cert, _ = certificate
    trust = neo4j.TrustCustomCAs(str(cert))
    with GraphDatabase.driver(
        f"bolt://localhost:{tls_server[0].rsplit(':', 1)[1]}", auth=("neo4j", "any"),
        encrypted=True, trusted_certificates=trust,
    ) as driver:
        records, _, _ = driver.execute_query("RETURN 40 + $n AS x", n=2)
        assert records[0]["x"] == 42


def test_plaintext_bolt_is_refused(tls_server):
    with GraphDatabase.driver(f"bolt://{tls_server[0]}", auth=("neo4j", "any"), connection_timeout=5) as driver:
        # The server's TLS alert is no Bolt version: the driver gives up either way.
        with pytest.raises((ServiceUnavailable, UnsupportedServerProduct)):
            driver.verify_connectivity()
    # ...and the server still serves TLS clients.
    with GraphDatabase.driver(f"bolt+ssc://{tls_server[0]}", auth=("neo4j", "any")) as driver:
        driver.verify_connectivity()


def test_https_status_with_the_certificate_as_trusted_ca(tls_server, certificate):
    if tls_server[1] is None:
        pytest.skip("the server command has no {http_port}")
    cert, _ = certificate
    context = ssl.create_default_context(cafile=str(cert))
    port = tls_server[1].rsplit(":", 1)[1]
    with urllib.request.urlopen(f"https://localhost:{port}/status", context=context, timeout=10) as response:
        assert response.status == 200
        assert b"healthy" in response.read()
