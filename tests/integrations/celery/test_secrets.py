"""The private key never reaches the broker: after a run (successes, a failure, a line that tried
to pass a key as a parameter), every Redis key and value is scanned for a canary key, as it is
and base64-encoded where Celery encodes message bodies."""

import base64
import binascii
import json
import uuid

import integration_support as support
from conftest import parse_results


def _canary_state(private_key):
    state = support.fleet_state(1, 3)
    state["KeyPairs"] = [{"PublicKey": support.PUBLIC_KEY, "PrivateKey": private_key}]
    running = {"UHostId": "uhost-canary-running", "Region": "cn-wlcb", "Zone": "cn-wlcb-01",
               "State": "Running", "DiskSet": [
                   {"DiskId": "bsd-canary", "IsBoot": "True", "Drive": "/dev/vda", "Size": 40},
                   {"DiskId": "udisk-canary", "IsBoot": "False", "Drive": "/dev/vdb",
                    "Size": 40}]}
    state["Instances"].append(running)
    return state


def _texts(value):
    """Every string reachable in a Redis value: JSON walked, base64 bodies decoded."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    yield value
    try:
        document = json.loads(value)
    except ValueError:
        document = None
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            yield item
            try:
                yield base64.b64decode(item, validate=True).decode("utf-8", "replace")
            except (binascii.Error, ValueError):
                pass


def _all_values(client):
    for key in client.scan_iter(count=1000):
        kind = client.type(key).decode()
        yield key
        if kind == "string":
            yield client.get(key)
        elif kind == "list":
            yield from client.lrange(key, 0, -1)
        elif kind == "hash":
            for field, value in client.hgetall(key).items():
                yield field
                yield value
        elif kind == "set":
            yield from client.smembers(key)
        elif kind == "zset":
            yield from client.zrange(key, 0, -1)
        else:
            raise AssertionError("unexpected Redis type %s for %r" % (kind, key))


def test_private_key_never_in_the_broker(make_cluster):
    canary = "canary-%s" % uuid.uuid4().hex
    cluster = make_cluster(state=_canary_state(canary))
    cluster.start_workers(1, concurrency=2, COMPSHARE_PRIVATE_KEY=canary)
    lines = [{"Region": "cn-wlcb", "UHostId": "uhost-fleet-0", "UDiskId": "udisk-fleet-0-%d" % d,
              "Wait": False} for d in range(3)]
    lines.append({"Region": "cn-wlcb", "UHostId": "uhost-canary-running",
                  "UDiskId": "udisk-canary"})
    lines.append({"Region": "cn-wlcb", "UHostId": "uhost-fleet-0", "UDiskId": "udisk-fleet-0-0",
                  "PrivateKey": canary})

    run = cluster.fleet("run", "compshare-disk.detach", "--batch", cluster.write_batch(lines),
                        env=cluster.env(COMPSHARE_PRIVATE_KEY=canary))

    results = parse_results(run.stdout)
    assert [r["ok"] for r in results] == [True, True, True, False, False], run.stderr
    assert results[3]["error"]["type"] == "InstanceNotStopped"
    assert results[4]["error"]["type"] == "InvalidParameter"
    assert '"PrivateKey" looks like a credential' in results[4]["error"]["message"]
    assert run.returncode == 4  # worst: precondition (4) over usage (2)
    assert canary not in run.stdout + run.stderr
    # The scanner finds the canary where Celery would put it (a base64 body in a JSON message).
    sample = json.dumps({"body": base64.b64encode(json.dumps([canary]).encode()).decode()})
    assert any(canary in text for text in _texts(sample.encode()))
    client = cluster.redis.client()
    scanned = 0
    for value in _all_values(client):
        for text in _texts(value):
            scanned += 1
            assert canary not in text
    assert scanned > 10  # task results and the fleet's record were there to be scanned
