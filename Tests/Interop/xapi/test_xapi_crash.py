"""A server killed (SIGKILL) in the middle of batched ingestion keeps what it acknowledged, and
each request whole or not at all; after a restart the stored statements are found by id and by
their filters, with merges of the staged filter rows happening under the load.

The test has a Kakehashi of its own (`private_server`), restarted with a small
KAKEHASHI_LRS_STAGING_ROWS so that the writer merges staged rows every few batches; four clients
send batches of 100 statements, each batch with an actor of its own, until the process is killed."""

import threading
import time

import requests

from .conftest import TENANT, create_credentials
from .lrs import LRS, agent, expect_status, mbox, statement

BATCH = 100
CLIENTS = 4


def test_a_killed_server_keeps_each_acknowledged_request_whole(private_server, monkeypatch):
    server = private_server
    server.stop()
    monkeypatch.setenv("KAKEHASHI_LRS_STAGING_ROWS", "1500")
    server.start()
    key, secret = create_credentials(server, TENANT)

    sent = []  # (actor mbox, ids) of every batch sent
    acknowledged = set()  # actor mboxes of the batches answered 200
    lock = threading.Lock()
    stop = threading.Event()

    def client():
        lrs = LRS(server.url("/xapi/"), key, secret, version="1.0.3", server_base=server.base_url)
        while not stop.is_set():
            actor = mbox()
            batch = [statement(actor=agent(mbox=actor)) for _ in range(BATCH)]
            with lock:
                sent.append((actor, [s["id"] for s in batch]))
            try:
                r = lrs.post_statements(batch)
            except requests.RequestException:
                return  # the server is gone
            if r.status_code == 200:
                with lock:
                    acknowledged.add(actor)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < 40 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(acknowledged) >= 40, f"only {len(acknowledged)} batches were acknowledged within 60 s; see {server.log_path}"
    server.process.kill()  # SIGKILL: no shutdown, whatever is in flight is cut off
    server.process.wait(timeout=30)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    server.log.close()

    server.start()
    lrs = LRS(server.url("/xapi/"), key, secret, version="1.0.3", server_base=server.base_url)
    whole, absent = 0, 0
    for actor, ids in sent:
        r = lrs.get_statements(agent={"mbox": actor}, limit=0)
        expect_status(r, 200, f"the query by the actor {actor} after the restart")
        found = {s["id"] for s in r.json()["statements"]}
        assert found <= set(ids), f"the query by {actor} returned statements of other requests: {sorted(found - set(ids))}"
        if actor in acknowledged:
            assert found == set(ids), (
                f"a request answered 200 before the kill lost {len(set(ids) - found)} of its {len(ids)} statements")
        assert len(found) in (0, len(ids)), (
            f"a request cut off by the kill is half stored: {len(found)} of its {len(ids)} statements")
        if found:
            whole += 1
            # Found by id too, not only through the filter rows.
            expect_status(lrs.get_statement(ids[-1]), 200, f"GET of statement {ids[-1]} after the restart")
        else:
            absent += 1
            expect_status(lrs.get_statement(ids[0]), 404, f"GET of statement {ids[0]} of a request that was not stored")
    assert whole >= len(acknowledged), (
        f"{whole} requests whole and {absent} absent of {len(sent)} sent, for {len(acknowledged)} acknowledged")
    # After the restart the LRS stores again, and a repeated request of the cut-off ones is accepted.
    fresh = statement()
    assert lrs.store(fresh) == [fresh["id"]]
