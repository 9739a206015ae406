"""The exercise server's TLS sends no session tickets (hydra_sim/exercise/tls.py says why: with
them, a station's first connection sometimes hung at joining until the server's opening
timeout), and stations still connect, exchange messages and see the certificate pinned."""

from __future__ import annotations

import threading

from websockets.sync.client import connect
from websockets.sync.server import serve

from hydra_sim.exercise import tls


def test_no_session_tickets_and_every_connection_opens():
    context, fingerprint = tls.server_context()
    assert context.num_tickets == 0

    def echo(connection):
        for message in connection:
            connection.send(message)
    server = serve(echo, "127.0.0.1", 0, ssl=context, compression=None, open_timeout=5)
    port = server.socket.getsockname()[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for number in range(20):
            with connect(f"wss://127.0.0.1:{port}/", ssl=tls.client_context(), open_timeout=5, compression=None,
                         proxy=None) as station:
                assert tls.peer_fingerprint(station) == fingerprint
                station.send(f"decision {number}")
                assert station.recv(timeout=5) == f"decision {number}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
