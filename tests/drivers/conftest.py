"""Starts a Plexus server for the driver tests.

The command comes from PLEXUS_SERVE_CMD; `{port}` in it is replaced by a free
loopback port for Bolt (without `{port}`, `--bolt-port PORT` is appended) and
`{http_port}` by another for HTTP. The default is
`$CARGO_TARGET_DIR/debug/plexus serve --in-memory --bolt-port {port} --http-port {http_port}`. To test a server
that is already running instead, set PLEXUS_BOLT_ADDR=host:port (and
PLEXUS_HTTP_ADDR=host:port for the HTTP and Gremlin WebSocket tests);
PLEXUS_SERVER_LOG=FILE keeps the started server's log.
"""

import contextlib
import os
import shlex
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve_command(port, http_port):
    target = os.environ.get("CARGO_TARGET_DIR", str(REPO / "target"))
    default = f"{target}/debug/plexus serve --in-memory --bolt-port {{port}} --http-port {{http_port}}"
    template = os.environ.get("PLEXUS_SERVE_CMD", default)
    if "{port}" not in template:
        template += " --bolt-port {port}"
    has_http = "{http_port}" in template
    cmd = shlex.split(template.replace("{http_port}", str(http_port)).replace("{port}", str(port)))
    return cmd, has_http


def _wait_for_port(port, proc, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the server did not listen on port {port} within {timeout}s")


@contextlib.contextmanager
def running_server(cmd, ports, log_suffix="", what="the server"):
    """Run `cmd` until the block ends: wait until it listens on every port in
    `ports`, then stop it with SIGTERM, which must end it cleanly (exit 0)."""
    # PLEXUS_SERVER_LOG=FILE keeps the server's log.
    log_path = os.environ.get("PLEXUS_SERVER_LOG")
    log = open(log_path + log_suffix, "w") if log_path else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, stdout=log, stderr=log)
    try:
        for port in ports:
            _wait_for_port(port, proc)
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise RuntimeError(f"{what} did not stop within 20s of SIGTERM")
        if code != 0:
            raise RuntimeError(f"{what} exited with code {code} after SIGTERM")


@pytest.fixture(scope="session")
def server_addresses():
    """(bolt, http) host:port of a running Plexus server (http may be None)."""
    given = os.environ.get("PLEXUS_BOLT_ADDR")
    if given:
        yield given, os.environ.get("PLEXUS_HTTP_ADDR")
        return
    port, http_port = _free_port(), _free_port()
    cmd, has_http = _serve_command(port, http_port)
    with running_server(cmd, [port, http_port] if has_http else [port]):
        yield f"127.0.0.1:{port}", (f"127.0.0.1:{http_port}" if has_http else None)


@pytest.fixture(scope="session")
def bolt_address(server_addresses):
    return server_addresses[0]


@pytest.fixture(scope="session")
def http_address(server_addresses):
    if server_addresses[1] is None:
        pytest.skip("the server command has no {http_port}")
    return server_addresses[1]
