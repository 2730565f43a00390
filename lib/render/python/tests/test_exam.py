"""The exam hub's one-time-password sign-in: windows, rooms, once per password, locks, the store."""

import asyncio
import base64
import json
import logging
import os
import time

import pytest
from tornado.web import HTTPError

import e2x_portal_auth
import e2x_portal_exam as x
from test_auth import Handler, Request

from conftest import GOLDEN_DIR

ROOM_A = "198.51.100.0/24"
ROOM_B = "203.0.113.0/24"
LB = "192.0.2.10"


def make_hash(password, n=4096, salt=None):
    import hashlib

    salt = salt or os.urandom(16)
    key = hashlib.scrypt(x.canonical(password).encode(), salt=salt, n=n, r=8, p=1, maxmem=x.MAXMEM, dklen=32)
    return f"scrypt${n}$8$1${base64.b64encode(salt).decode()}${base64.b64encode(key).decode()}"


PW = {"mathe1-anna": "k7fm-q2xa-9bnd", "mathe1-ben": "2345-6789-abcd", "mathe1-cem": "efgh-jkmn-pqrs", "mathe1-dora": "tuvw-x234-5678"}
HASH = {u: make_hash(p) for u, p in PW.items()}


def exam_doc(now=None, start=-600, end=3600, accepting=True, extra_for_dora=0, hashes=None, unlocks=None, status=None):
    now = time.time() if now is None else now
    hashes = {**HASH, **(hashes or {})}
    unlocks = unlocks or {}
    e_end = int(now + end)
    return json.dumps(
        {
            "version": 1,
            "exams": [
                {
                    "id": 7,
                    "courseId": "mathe1-WS25",
                    "period": "PZ1",
                    "title": "Klausur",
                    "status": status or ("open" if accepting else "scheduled"),
                    "accepting": accepting,
                    "start": int(now + start),
                    "end": e_end,
                    "graceMinutes": 0,
                    "revision": 3,
                    "passwordsVersion": 1,
                    "rooms": [{"name": "H-0102", "cidrs": [ROOM_A]}, {"name": "H-0112", "cidrs": [ROOM_B]}],
                }
            ],
            "accounts": {
                "mathe1-anna": [0, 0, e_end, hashes["mathe1-anna"], unlocks.get("mathe1-anna", 0)],
                "mathe1-ben": [0, 0, e_end, hashes["mathe1-ben"], unlocks.get("mathe1-ben", 0)],
                "mathe1-cem": [0, 1, e_end, hashes["mathe1-cem"], unlocks.get("mathe1-cem", 0)],
                "mathe1-dora": [0, 0, e_end + extra_for_dora * 60, hashes["mathe1-dora"], unlocks.get("mathe1-dora", 0)],
            },
        }
    )


class SecretFetch:
    """fetch() over a text the test changes, counting API reads; ``fail`` makes reads raise."""

    def __init__(self, text):
        self.text = text
        self.version = 1
        self.calls = 0
        self.fail = None

    def set(self, text):
        self.text = text
        self.version += 1

    async def __call__(self):
        self.calls += 1
        if self.fail:
            raise self.fail
        return self.text, str(self.version)


def authenticator(tmp_path, text, clock=None, **traits):
    auth = x.ExamPasswordAuthenticator(trusted_proxies=[LB], state_file=str(tmp_path / "state.sqlite"), **traits)
    fetch = SecretFetch(text)
    kwargs = {"clock": clock} if clock else {}
    auth.store = x.ExamDataStore(fetch, ttl=auth.cache_ttl, grace=auth.stale_grace, timeout=2, **kwargs)
    return auth, fetch


def from_room(addr):
    """A request as CHP passes it on from the load balancer: X-Forwarded-For client, LB."""
    return Handler(Request("10.0.0.1", f"{addr}, {LB}"))


async def sign_in(auth, user, password, addr="198.51.100.7"):
    return await auth.authenticate(from_room(addr), {"username": user, "password": password})


async def refused(auth, user, password, addr="198.51.100.7"):
    with pytest.raises(HTTPError) as e:
        await sign_in(auth, user, password, addr)
    return e.value


def test_hashes_the_portal_made_verify_here():
    """The golden render holds a Secret the TypeScript renderer wrote with Node's scrypt hashes."""
    objects = json.loads((GOLDEN_DIR / "objects.json").read_text())
    secret = next(o for o in objects if o["kind"] == "Secret" and o["metadata"]["name"] == "e2x-exam-passwords")
    data = x.parse_exam_data(base64.b64decode(secret["data"]["exams.json"]).decode())
    assert sorted(data.accounts) == ["mathe1-backup-pz1-01", "mathe1-max.mustermann", "prog-bob"]
    # lib/render/fixtures.ts: the password of mathe1-max.mustermann, typed as a student might
    acct = data.accounts["mathe1-max.mustermann"]
    assert x.verify("K7FM Q2XA 9BND", acct.hash)
    assert not x.verify("k7fm-q2xa-9bne", acct.hash)
    assert acct.room == "H-0102" and [str(n) for n in acct.networks] == ["10.20.1.0/24"]
    assert [e["accepting"] for e in data.exams] == [True, False]


async def test_accepts_the_password_once_from_the_room_inside_the_window(tmp_path):
    auth, _ = authenticator(tmp_path, exam_doc())
    assert await sign_in(auth, "mathe1-anna", "K7FM Q2XA 9BND") == {"name": "mathe1-anna"}
    e = await refused(auth, "mathe1-anna", "k7fm-q2xa-9bnd")
    assert e.status_code == 403 and "bereits verwendet" in e.log_message
    # a restarted hub (a new process, the same volume) still knows it
    again, _ = authenticator(tmp_path, exam_doc())
    e = await refused(again, "mathe1-anna", "k7fm-q2xa-9bnd")
    assert "bereits verwendet" in e.log_message


async def test_refuses_everything_while_no_exam_is_open(tmp_path):
    for text in [exam_doc(accepting=False), json.dumps({"version": 1, "exams": [], "accounts": {}})]:
        auth, _ = authenticator(tmp_path, text)
        e = await refused(auth, "mathe1-anna", PW["mathe1-anna"])
        assert e.status_code == 403 and "noch nicht freigeschaltet" in e.log_message
    # no Secret at all (the portal never pushed): refused as well
    auth = x.ExamPasswordAuthenticator(state_file=str(tmp_path / "s2.sqlite"))

    async def nothing():
        return None, None

    auth.store = x.ExamDataStore(nothing)
    e = await refused(auth, "mathe1-anna", PW["mathe1-anna"])
    assert "noch nicht freigeschaltet" in e.log_message


async def test_only_from_the_accounts_room_as_the_load_balancer_reports_it(tmp_path):
    auth, _ = authenticator(tmp_path, exam_doc())
    # cem sits in H-0112: not from H-0102
    e = await refused(auth, "mathe1-cem", PW["mathe1-cem"], addr="198.51.100.7")
    assert "nur aus dem Raum H-0112" in e.log_message
    # a forged X-Forwarded-For straight to the proxy: CHP appends the real peer, which is no trusted proxy
    forged = Handler(Request("10.0.0.1", "203.0.113.9, 10.99.0.1"))
    with pytest.raises(HTTPError) as e:
        await auth.authenticate(forged, {"username": "mathe1-cem", "password": PW["mathe1-cem"]})
    assert "nur aus dem Raum H-0112" in e.value.log_message
    assert await sign_in(auth, "mathe1-cem", PW["mathe1-cem"], addr="203.0.113.9") == {"name": "mathe1-cem"}


async def test_windows_with_extra_time(tmp_path):
    # the exam ended two minutes ago; dora has 30 minutes extra
    auth, _ = authenticator(tmp_path, exam_doc(start=-7200, end=-120, extra_for_dora=30))
    e = await refused(auth, "mathe1-ben", PW["mathe1-ben"])
    assert "abgelaufen" in e.log_message
    assert await sign_in(auth, "mathe1-dora", PW["mathe1-dora"]) == {"name": "mathe1-dora"}
    # an exam that starts in ten minutes
    early, _ = authenticator(tmp_path, exam_doc(start=600, end=7200))
    e = await refused(early, "mathe1-ben", PW["mathe1-ben"])
    assert "ab " in e.log_message and "möglich" in e.log_message


async def test_five_failures_lock_for_five_minutes_and_an_unlock_lifts_it(tmp_path):
    clock = [time.time()]
    auth, fetch = authenticator(tmp_path, exam_doc(), lockout_seconds=300)
    auth.clock = lambda: clock[0]
    if True:
        for i in range(4):
            e = await refused(auth, "mathe1-ben", f"wrong-{i}")
            assert f"Noch {4 - i} Versuch" in e.log_message
        e = await refused(auth, "mathe1-ben", "wrong-5")
        assert "gesperrt" in e.log_message
        # the right password while locked: refused, not used up
        e = await refused(auth, "mathe1-ben", PW["mathe1-ben"])
        assert "gesperrt" in e.log_message and "Aufsicht" in e.log_message
        # the lock survives a restart
        restarted, _ = authenticator(tmp_path, exam_doc())
        restarted.clock = auth.clock
        assert "gesperrt" in (await refused(restarted, "mathe1-ben", PW["mathe1-ben"])).log_message
        # a supervisor's unlock reaches the hub as a higher unlock count
        fetch.set(exam_doc(unlocks={"mathe1-ben": 1}))
        auth.store.invalidate()
        assert await sign_in(auth, "mathe1-ben", PW["mathe1-ben"]) == {"name": "mathe1-ben"}
        # five minutes pass: a lock runs out by itself
        for i in range(5):
            await refused(auth, "mathe1-dora", f"wrong-{i}")
        assert "gesperrt" in (await refused(auth, "mathe1-dora", PW["mathe1-dora"])).log_message
        clock[0] += 301
        assert await sign_in(auth, "mathe1-dora", PW["mathe1-dora"]) == {"name": "mathe1-dora"}


async def test_a_reissued_password_replaces_the_old_one_and_starts_afresh(tmp_path):
    auth, fetch = authenticator(tmp_path, exam_doc())
    assert await sign_in(auth, "mathe1-anna", PW["mathe1-anna"])
    new = "mnpq-rstu-vwx2"
    fetch.set(exam_doc(hashes={"mathe1-anna": make_hash(new)}))
    auth.store.invalidate()
    assert "falsch" in (await refused(auth, "mathe1-anna", PW["mathe1-anna"])).log_message
    assert await sign_in(auth, "mathe1-anna", new) == {"name": "mathe1-anna"}


async def test_two_sign_ins_at_once_with_one_password_only_one_gets_in(tmp_path):
    auth, _ = authenticator(tmp_path, exam_doc())
    results = await asyncio.gather(*(sign_in(auth, "mathe1-anna", PW["mathe1-anna"]) for _ in range(5)), return_exceptions=True)
    assert [r for r in results if isinstance(r, dict)] == [{"name": "mathe1-anna"}]
    assert all("bereits verwendet" in r.log_message for r in results if not isinstance(r, dict))


async def test_unknown_names_are_refused_like_wrong_passwords_and_nothing_is_logged(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    auth, _ = authenticator(tmp_path, exam_doc())
    auth.log = logging.getLogger("test-exam-auth")
    e = await refused(auth, "mathe1-nobody", "abcd-efgh-jkmn")
    assert e.log_message == x.WRONG_MESSAGE
    await refused(auth, "mathe1-ben", "wrong-pass-word")
    await sign_in(auth, "mathe1-anna", PW["mathe1-anna"])
    for secret in ["abcd-efgh-jkmn", "wrong-pass-word", PW["mathe1-anna"], x.canonical(PW["mathe1-anna"]), HASH["mathe1-anna"]]:
        assert secret not in caplog.text
    assert "mathe1-anna signed in" in caplog.text
    # the state file holds digests of hashes, no password
    raw = (tmp_path / "state.sqlite").read_bytes()
    assert x.canonical(PW["mathe1-anna"]).encode() not in raw


async def test_the_store_caches_serves_stale_for_a_grace_and_then_refuses_clearly(tmp_path):
    now = [1000.0]
    auth, fetch = authenticator(tmp_path, exam_doc(), clock=lambda: now[0], cache_ttl=10, stale_grace=30)
    assert await sign_in(auth, "mathe1-anna", PW["mathe1-anna"])
    await refused(auth, "mathe1-ben", "x")
    assert fetch.calls == 1  # within the TTL: no second read
    fetch.fail = ConnectionError("refused")
    now[0] += 20  # past the TTL, within the grace: the last good copy
    assert await sign_in(auth, "mathe1-cem", PW["mathe1-cem"], addr="203.0.113.9")
    now[0] += 30  # past the grace
    e = await refused(auth, "mathe1-dora", PW["mathe1-dora"])
    assert e.status_code == 503 and "nicht gelesen werden" in e.log_message
    fetch.fail = None
    assert await sign_in(auth, "mathe1-dora", PW["mathe1-dora"])


async def test_a_hung_read_is_bounded_by_the_timeout(tmp_path):
    async def hang():
        await asyncio.sleep(30)

    auth = x.ExamPasswordAuthenticator(state_file=str(tmp_path / "s.sqlite"))
    auth.store = x.ExamDataStore(hang, timeout=0.2)
    started = time.monotonic()
    e = await refused(auth, "mathe1-anna", PW["mathe1-anna"])
    assert e.status_code == 503 and time.monotonic() - started < 2


def test_bad_data_is_an_error_not_an_open_door():
    with pytest.raises(x.ExamDataError):
        x.parse_exam_data(json.dumps({"version": 2, "exams": [], "accounts": {}}))
    with pytest.raises(x.ExamDataError):
        x.parse_exam_data(json.dumps({"version": 1, "exams": [], "accounts": {"a": [0, 0, 1, "h", 0]}}))
    assert not x.verify("x", "plain-text-password")
    assert not x.verify("x", "scrypt$4095$8$1$AAAA$AAAA")


async def test_the_guard_keeps_the_roster_check_in_front(tmp_path):
    """As the hub runs it: e2x_portal_auth.guard wraps the exam authenticator."""

    class Roster:
        hub = "exam"

        async def entries_for(self, username):
            return ([{"key": "k"}] if username.startswith("mathe1-") else []), True

    Guarded = e2x_portal_auth.guard(x.ExamPasswordAuthenticator, Roster(), rooms=[ROOM_A, ROOM_B], trusted_proxies=[LB])
    auth = Guarded(trusted_proxies=[LB], state_file=str(tmp_path / "g.sqlite"))
    auth.store = x.ExamDataStore(SecretFetch(exam_doc()), ttl=10)
    user = await auth.get_authenticated_user(from_room("198.51.100.7"), {"username": " Mathe1-Anna ", "password": PW["mathe1-anna"]})
    assert user["name"] == "mathe1-anna"
    with pytest.raises(HTTPError) as e:
        await auth.get_authenticated_user(from_room("192.0.2.99"), {"username": "mathe1-ben", "password": PW["mathe1-ben"]})
    assert "Prüfungsräumen" in e.value.log_message
