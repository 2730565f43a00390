import json

import pytest

import e2x_portal_profiles as p
from conftest import GOLDEN_DIR


def test_shard_lookup_agrees_with_the_portal_hash():
    vectors = json.loads((GOLDEN_DIR / "shard-vectors.json").read_text())
    assert len(vectors) >= 5
    for v in vectors:
        assert p.fnv1a32(v["name"]) == v["fnv1a32"], v["name"]
        for n, shard in v["shards"].items():
            assert p.shard_of(v["name"], int(n)) == shard


def test_every_user_is_found_in_the_shard_the_hash_names(golden_configmaps):
    for namespace, cms in golden_configmaps.items():
        hub = namespace.removeprefix("e2x-")
        meta = json.loads(cms[f"e2x-profiles-{hub}"]["meta.json"])
        for name in meta["userShards"]:
            for user in json.loads(cms[name]["users.json"]):
                assert meta["userShards"][p.shard_of(user, len(meta["userShards"]))] == name


async def test_profiles_one_per_course_and_role_with_a_choice_per_term(store_for):
    store, _ = store_for("assignment")
    entries, exam = await store.entries_for("alice")
    assert exam is False
    profiles = p.build_profile_list(entries, "alice")
    assert [x["slug"] for x in profiles] == ["mathe1+student", "prog+student"]
    assert profiles[0]["default"] is True
    choices = profiles[0]["profile_options"]["term"]["choices"]
    assert list(choices) == ["mathe1+student+mathe1-WS25", "mathe1+student+mathe1-SS25"]
    assert choices["mathe1+student+mathe1-WS25"]["default"] is True
    assert choices["mathe1+student+mathe1-SS25"]["default"] is False
    ws = choices["mathe1+student+mathe1-WS25"]["kubespawner_override"]
    assert ws["image"] == "ghcr.io/digiklausur/e2x-notebook:2025.10"
    assert ws["cpu_limit"] == 2 and ws["cpu_guarantee"] == 0.5
    assert profiles[0]["kubespawner_override"]["uid"] == 1000


async def test_unknown_user_gets_no_profiles(store_for):
    store, _ = store_for("assignment")
    entries, _ = await store.entries_for("mallory")
    assert entries == [] and p.build_profile_list(entries, "mallory") == []


async def test_exam_mode_offers_exactly_one_course(store_for):
    store, _ = store_for("exam")
    entries, exam = await store.entries_for("mathe1-max.mustermann")
    assert exam is True
    profiles = p.build_profile_list(entries, "mathe1-max.mustermann", exam=True)
    assert len(profiles) == 1
    assert list(profiles[0]["profile_options"]["term"]["choices"]) == ["mathe1+student+mathe1-WS25+PZ1"]
    affinity = profiles[0]["kubespawner_override"]["node_affinity_required"]
    assert affinity[0]["matchExpressions"][0] == {
        "key": "hub.jupyter.org/node-purpose",
        "operator": "In",
        "values": ["exam"],
    }
    # even when a shard lists several entries, exam mode keeps one
    assembly = [dict(entries[0], key="x+student+x-WS25", slug="x+student", order=-1), entries[0]]
    assert len(p.build_profile_list(assembly, "mathe1-max.mustermann", exam=True)) == 1
    assert len(p.build_profile_list(assembly, "mathe1-max.mustermann", exam=False)) == 2


async def test_volume_mounts_are_templated_with_the_raw_username(store_for):
    store, _ = store_for("assignment")
    entries, _ = await store.entries_for("max.mustermann")
    mounts = p.volume_mounts_for(entries[0], "max.mustermann").values()
    home = next(m for m in mounts if m["mountPath"] == "/home/jovyan")
    assert home == {
        "name": "e2x-nfs",
        "mountPath": "/home/jovyan",
        "subPath": "homes/teaching/students/mathe1-WS25/max.mustermann",
        "readOnly": False,
    }
    ro = {m["mountPath"]: m["readOnly"] for m in mounts}
    assert ro["/srv/nbgrader/exchange/mathe1-WS25/outbound"] is True
    assert ro["/srv/nbgrader/exchange/mathe1-WS25/feedback"] is True
    assert ro["/srv/nbgrader/exchange/mathe1-WS25/inbound"] is False
    assert ro["/srv/shares/public"] is True
    # the stored entry keeps its template
    assert "{username}" in json.dumps(entries[0]["choice_override"]["volume_mounts"])


def test_expand_username_leaves_other_text_alone():
    assert p.expand_username({"a": ["x/{username}/y", 3]}, "bob") == {"a": ["x/bob/y", 3]}


def test_selected_key_defaults_and_rejects_unknown():
    entries = [
        {"key": "c+student+c-WS25", "slug": "c+student", "order": 0, "course": "c", "role": "student",
         "display_name": "C", "choice_display_name": "WS25", "profile_override": {}, "choice_override": {}},
        {"key": "c+student+c-SS25", "slug": "c+student", "order": 1, "course": "c", "role": "student",
         "display_name": "C", "choice_display_name": "SS25", "profile_override": {}, "choice_override": {}},
    ]
    profiles = p.build_profile_list(entries, "u")
    assert p.selected_key(profiles, {}) == "c+student+c-WS25"
    assert p.selected_key(profiles, {"profile": "c+student", "term": "c+student+c-SS25"}) == "c+student+c-SS25"
    assert p.selected_key(profiles, {"profile": "c+student", "term": "d+student+d-SS25"}) is None
    assert p.selected_key(profiles, {"profile": "nope"}) is None
    assert p.selected_key([], {}) is None


async def test_cache_ttl_picks_up_a_roster_change_without_restart(store_for, fake_clock, golden_configmaps):
    store, fetch = store_for("assignment", ttl=30)
    entries, _ = await store.entries_for("bob")
    assert [e["key"] for e in entries] == ["prog+student+prog-WS25"]
    reads = len(fetch.calls)
    await store.entries_for("bob")
    assert len(fetch.calls) == reads, "served from cache within the TTL"

    # the portal pushes a new user shard and switches the index
    cms = fetch.configmaps
    meta = json.loads(cms["e2x-profiles-assignment"]["meta.json"])
    users = json.loads(cms[meta["userShards"][0]]["users.json"])
    users["bob"] = ["mathe1+student+mathe1-WS25", "prog+student+prog-WS25"]
    cms["e2x-profiles-assignment-u-new"] = {"users.json": json.dumps(users)}
    meta["userShards"] = ["e2x-profiles-assignment-u-new"]
    cms["e2x-profiles-assignment"] = {"meta.json": json.dumps(meta)}

    entries, _ = await store.entries_for("bob")
    assert len(entries) == 1, "still cached"
    fake_clock.now += 31
    entries, _ = await store.entries_for("bob")
    assert [e["key"] for e in entries] == ["mathe1+student+mathe1-WS25", "prog+student+prog-WS25"]


async def test_missing_index_means_no_profiles(fake_clock):
    async def fetch(name):
        return None

    store = p.ProfileStore("assignment", fetch, clock=fake_clock)
    assert await store.entries_for("alice") == ([], False)


async def test_kubernetes_fetcher_maps_404_to_none():
    from kubernetes_asyncio.client.rest import ApiException

    class Api:
        async def read_namespaced_config_map(self, name, namespace):
            assert namespace == "e2x-exam"
            if name == "there":
                class CM:
                    data = {"meta.json": "{}"}
                return CM()
            raise ApiException(status=404, reason="Not Found")

    fetch = p.kubernetes_fetcher("e2x-exam", lambda: Api())
    assert await fetch("there") == {"meta.json": "{}"}
    assert await fetch("gone") is None


async def test_a_failing_api_read_keeps_the_cached_index(store_for, fake_clock):
    store, fetch = store_for("assignment", ttl=30)
    assert len((await store.entries_for("alice"))[0]) == 3
    real = fetch.configmaps

    async def broken(name):
        raise OSError("connection refused")

    store.fetch = broken
    fake_clock.now += 60
    # index from cache, shards cached by name
    assert len((await store.entries_for("alice"))[0]) == 3
    store.fetch = fetch
    assert real is fetch.configmaps


async def test_first_read_failure_is_not_hidden(fake_clock):
    async def broken(name):
        raise OSError("connection refused")

    store = p.ProfileStore("assignment", broken, clock=fake_clock)
    with pytest.raises(p.ProfileDataUnavailable, match="connection refused"):
        await store.entries_for("alice")


async def test_the_last_good_index_serves_only_for_the_grace_period(store_for, fake_clock):
    store, fetch = store_for("assignment", ttl=30)
    store.grace = 60
    assert len((await store.entries_for("alice"))[0]) == 3

    async def broken(name):
        raise OSError("connection refused")

    store.fetch = broken
    fake_clock.now += 89  # TTL + grace not yet over
    assert len((await store.entries_for("alice"))[0]) == 3
    fake_clock.now += 2
    with pytest.raises(p.ProfileDataUnavailable):
        await store.entries_for("alice")


async def test_a_hung_read_times_out_and_concurrent_callers_share_it():
    import asyncio

    calls = []

    async def hung(name):
        calls.append(name)
        await asyncio.sleep(3600)

    store = p.ProfileStore("assignment", hung, timeout=0.3)
    loop = asyncio.get_running_loop()
    started = loop.time()
    results = await asyncio.gather(*(store.entries_for(u) for u in ("alice", "bob", "carol")), return_exceptions=True)
    took = loop.time() - started
    assert all(isinstance(r, p.ProfileDataUnavailable) for r in results), results
    assert "no answer within the request timeout" in str(results[0])
    assert calls == ["e2x-profiles-assignment"], "one read for everyone"
    assert took < 1.0, "bounded by the timeout, not one after another"


async def test_a_dead_api_server_is_refused_fast_with_a_clear_503():
    import asyncio
    import socket
    import time as _time

    from kubernetes_asyncio import client
    from tornado.web import HTTPError

    # a port nothing listens on
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    cfg = client.Configuration(host=f"http://127.0.0.1:{port}")
    api = client.CoreV1Api(client.ApiClient(cfg))
    try:
        store = p.ProfileStore("assignment", p.kubernetes_fetcher("e2x-assignment", lambda: api, request_timeout=3), timeout=3)
        profile_list = p.make_profile_list(store, http_error=HTTPError)

        class Spawner:
            class user:
                name = "alice"

            import logging

            log = logging.getLogger("test")

        started = _time.monotonic()
        with pytest.raises(HTTPError) as e:
            await profile_list(Spawner())
        assert e.value.status_code == 503
        assert "Kursdaten" in e.value.log_message
        assert _time.monotonic() - started < 3
    finally:
        await api.api_client.close()


def test_profile_data_cannot_ask_the_hub_for_a_privileged_pod():
    # what a compromised writer of the profile ConfigMaps might put there
    entry = {
        "key": "evil+student+evil-WS25",
        "slug": "evil+student",
        "course": "evil",
        "role": "student",
        "display_name": "evil",
        "choice_display_name": "WS25",
        "profile_override": {"privileged": True, "service_account": "hub", "automount_service_account_token": True, "image": "ok:1"},
        "choice_override": {
            "image": "ghcr.io/digiklausur/e2x-notebook:2025.10",
            "uid": 0,
            "fs_gid": 1000,
            "extra_pod_config": {"hostPID": True},
            "extra_container_config": {"securityContext": {"privileged": True}},
            "node_selector": {"kubernetes.io/hostname": "master"},
            "volumes": [
                {"name": "home", "nfs": {"server": "nfs", "path": "/export"}},
                {"name": "root", "hostPath": {"path": "/"}},
                {"name": "sa", "secret": {"secretName": "hub"}},
                {"name": "mixed", "nfs": {"server": "nfs", "path": "/"}, "hostPath": {"path": "/"}},
            ],
            "volume_mounts": [
                {"name": "home", "mountPath": "/home/jovyan", "subPath": "homes/teaching/students/evil-WS25/{username}"},
                {"name": "home", "mountPath": "/srv/other", "subPath": "homes/teaching/students/evil-WS25/{username}/../../other"},
                {"name": "home", "mountPath": "/srv/abs", "subPath": "/etc"},
                {"name": "home", "mountPath": "/srv/expr", "subPathExpr": "$(POD_NAME)"},
            ],
        },
    }
    [profile] = p.build_profile_list([entry], "alice")
    assert profile["kubespawner_override"] == {"image": "ok:1"}
    override = profile["profile_options"]["term"]["choices"][entry["key"]]["kubespawner_override"]
    assert set(override) == {"image", "fs_gid", "volumes", "volume_mounts"}
    assert list(override["volumes"]) == ["home"]
    assert [m["mountPath"] for m in override["volume_mounts"].values()] == ["/home/jovyan"]
    assert override["volume_mounts"]["e2x-/home/jovyan"]["subPath"] == "homes/teaching/students/evil-WS25/alice"
