"""Anonymous plenary contributions: the protocol's checks, and the server keeping them without a sender.

A station (here a follower's link on a real server, 127.0.0.1) sends a line for the plenary; the
server keeps its text and the time received, in order, and nothing that says who sent it; an
empty or over-long one is refused in words. No sleeps: every wait is on a condition.
"""

from __future__ import annotations

import dataclasses
import json
import queue
import threading

import pytest
from exercise_support import WAIT, logged_server

from hydra_sim.exercise import protocol as p
from hydra_sim.exercise import server as server_module
from hydra_sim.exercise.station import StationLink
from hydra_sim.exercise.views import ContributionReceived


@pytest.mark.parametrize("message, words", [
    ({"type": "contribution"}, "must be text"),
    ({"type": "contribution", "text": 42}, "must be text"),
    ({"type": "contribution", "text": "   \n"}, "it is empty"),
    ({"type": "contribution", "text": "x" * (p.MAX_CONTRIBUTION + 1)}, f"at most {p.MAX_CONTRIBUTION}"),
    ({"type": "contribution", "text": "Good call", "station_id": "Alpha-1"}, "its text only"),
])
def test_the_protocol_refuses_a_bad_contribution_in_words(message, words):
    with pytest.raises(p.ProtocolError, match="contribution refused") as caught:
        p.decode(json.dumps(message), p.CLIENT_TYPES)
    assert words in str(caught.value)


def test_a_good_contribution_is_the_text_only_and_only_a_station_sends_one():
    message = p.contribution("We should have asked for the interpreter sooner.")
    assert message == {"type": "contribution", "text": "We should have asked for the interpreter sooner."}
    assert p.decode(json.dumps(message), p.CLIENT_TYPES) == message
    assert p.decode(json.dumps(p.contribution("x" * p.MAX_CONTRIBUTION)), p.CLIENT_TYPES)
    with pytest.raises(p.ProtocolError, match="unknown message type"):
        p.decode(json.dumps(message), p.SERVER_TYPES)


@pytest.fixture
def server(tmp_path):
    srv = logged_server(tmp_path)
    yield srv
    srv.stop()


def test_the_server_keeps_contributions_without_who_sent_them_and_refuses_bad_ones(server, monkeypatch):
    log = server.log
    joined, errors = threading.Event(), queue.Queue()
    host, port = server.address
    link = StationLink(host, port, server.code, "Alpha", "Alpha-follower", ["PC Hale"], role="follower",
                       scenario_id=server.scenario.id, backoff=(0.05, 0.1), on_error=errors.put,
                       on_status=lambda connected, _m: connected and joined.set())
    link.start()
    try:
        assert joined.wait(WAIT), "the follower did not join"
        assert link.contribute("  The lorry's driver was a victim too.  ")
        first = log.wait_for(lambda e: isinstance(e, ContributionReceived), what="the contribution").contribution
        assert first.number == 1 and first.text == "The lorry's driver was a victim too."
        assert first.received_at > 0
        # what is stored is the text and the time: no station, syndicate or member, by field or value
        assert {f.name for f in dataclasses.fields(first)} == {"number", "text", "received_at"}
        assert not any(name in repr(server.contributions()) for name in ("Alpha", "PC Hale", "follower"))

        # refused in words, and not stored
        link.contribute("   ")
        assert "it is empty" in errors.get(timeout=WAIT)
        link.contribute("y" * (p.MAX_CONTRIBUTION + 1))
        assert f"at most {p.MAX_CONTRIBUTION}" in errors.get(timeout=WAIT)
        assert link.contribute("Ask the control room what it knew at 04:10.")
        log.wait_for(lambda e: isinstance(e, ContributionReceived) and e.contribution.number == 2,
                     what="the second contribution")
        assert [c.text for c in server.contributions()] == ["The lorry's driver was a victim too.",
                                                            "Ask the control room what it knew at 04:10."]
        # the list is bounded: once full, a contribution is refused in words
        monkeypatch.setattr(server_module, "MAX_CONTRIBUTIONS", 2)
        link.contribute("One more thing")
        assert "already holds 2 contributions" in errors.get(timeout=WAIT)
        assert len(server.contributions()) == 2
    finally:
        link.close()
