"""The exam hub's sign-in with one-time passwords, from what the E2x Hub Portal pushed.

The portal's ConfigMap ``e2x-portal-hub`` brings this module to the exam hub (``E2X_PORTAL_DIR``, put
on ``sys.path`` by ``jupyterhub_config.d/e2x_portal_config.py``); the exam hub's pushed settings
select it with ``JupyterHub.authenticator_class: e2x_portal_exam.ExamPasswordAuthenticator`` and
configure it under ``ExamPasswordAuthenticator``. ``e2x_portal_auth.guard`` wraps it like any
other authenticator (roster and exam-room checks stay).

What the portal pushes: one Secret in the hub's namespace (``e2x-exam-passwords``, key
``exams.json``), read through the Kubernetes API with the hub's own ServiceAccount (the chart's
hub Role may get Secrets in its namespace), cached for ``cache_ttl`` seconds, every read bounded
by KubeSpawner's request timeout; when a read fails the last good copy serves for
``stale_grace`` seconds, then sign-in is refused clearly (HTTP 503). The portal itself is never
asked: a portal outage stops no student. The format (lib/render/exam.ts writes it)::

    {"version": 1,
     "exams": [{"id": 3, "courseId": "mathe1-WS25", "period": "PZ1", "title": "...",
                "status": "open", "accepting": true, "start": <epoch s>, "end": <epoch s>,
                "graceMinutes": 5, "revision": 12, "passwordsVersion": 2,
                "rooms": [{"name": "H-0102", "cidrs": ["10.20.1.0/24"]}]}],
     "accounts": {"mathe1-stud1": [<exam index>, <room index>, <until, epoch s>,
                                   "scrypt$N$r$p$<salt b64>$<key b64>", <unlocks>]}}

A sign-in is accepted only when all of these hold, checked in this order:

1. some exam is open (``accepting``): otherwise every sign-in is refused (fail closed);
2. the account exists in an open exam;
3. the client address (``X-Forwarded-For`` read right to left past the trusted proxies, as
   ``e2x_portal_auth.client_address`` does) is in a network of the account's room;
4. now is inside the account's window: from the exam's start to ``until`` (the end plus the
   account's extra time plus grace);
5. the account is not locked: ``max_failures`` wrong passwords lock it for ``lockout_seconds``;
   the portal lifts a lock by raising the account's ``unlocks`` (a supervisor's unlock), a new
   password (a re-issue) starts afresh;
6. the password matches the hash (scrypt, compared with ``hmac.compare_digest``; the canonical
   form of lib/exams/OTP.md: spaces and dashes removed, lower case);
7. the password was not used before: the first successful sign-in uses it up.

Used passwords, failures and locks live in a small SQLite file on the hub's own volume
(``state_file``, beside ``jupyterhub.sqlite`` on the chart's hub PVC), so a restarted hub pod
still knows them. A password is identified there by a digest of its stored hash, never by the
password: a re-issued password has a new hash and so is unused.

Passwords are never logged. Refusals carry a German message the sign-in form shows.
"""

import asyncio
import base64
import binascii
import hashlib
import hmac
import ipaddress
import json
import logging
import os
import re
import sqlite3
import time
from datetime import datetime, timezone

from jupyterhub.auth import Authenticator
from tornado import web
from traitlets import Float, Integer, List, Unicode, default

import e2x_portal_auth
from e2x_portal_profiles import normalize_username

log = logging.getLogger("e2x_portal_exam")

FORMAT_VERSION = 1
SECRET_KEY = "exams.json"
MAXMEM = 64 * 1024 * 1024

NOT_OPEN_MESSAGE = "Die Prüfung ist noch nicht geöffnet. Bitte warten Sie auf die Freigabe durch die Aufsicht."
WRONG_MESSAGE = "Benutzername oder Einmalpasswort falsch."
WRONG_LEFT_MESSAGE = "Benutzername oder Einmalpasswort falsch. Noch {left}, dann wird das Konto für {minutes} Minuten gesperrt."
OTHER_ROOM_MESSAGE = "Mit diesem Konto ist die Anmeldung nur aus dem Raum {room} möglich. Bitte wenden Sie sich an die Aufsicht."
NOT_YET_MESSAGE = "Die Anmeldung zu dieser Prüfung ist ab {time} Uhr möglich."
OVER_MESSAGE = "Die Anmeldezeit für dieses Konto ist um {time} Uhr abgelaufen."
LOCKED_MESSAGE = "Das Konto ist nach {failures} falschen Passwörtern bis {time} Uhr gesperrt. Die Aufsicht kann es freigeben."
USED_MESSAGE = "Dieses Einmalpasswort wurde bereits verwendet. Die Aufsicht kann ein neues ausgeben."
UNAVAILABLE_MESSAGE = (
    "Die Anmeldedaten der Prüfung können gerade nicht gelesen werden (die Kubernetes-API antwortet nicht). "
    "Bitte in einer Minute erneut versuchen."
)


# ---------------------------------------------------------------------------------------------
# passwords (lib/exams/OTP.md)


def canonical(typed):
    """What is hashed and compared: the symbols only, lower case."""
    return re.sub(r"[\s-]+", "", typed or "").lower()


def parse_hash(stored):
    """``scrypt$N$r$p$salt$key`` as (n, r, p, salt bytes, key bytes), or None."""
    parts = stored.split("$") if isinstance(stored, str) else []
    if len(parts) != 6 or parts[0] != "scrypt":
        return None
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt = base64.b64decode(parts[4], validate=True)
        key = base64.b64decode(parts[5], validate=True)
    except (ValueError, binascii.Error):
        return None
    if n < 2 or n & (n - 1) or r < 1 or p < 1 or not salt or not key or n * r * 128 * 2 > MAXMEM:
        return None
    return n, r, p, salt, key


def verify(typed, stored):
    """Whether ``typed`` matches the stored hash; constant-time comparison of the derived keys."""
    parsed = parse_hash(stored)
    if parsed is None:
        return False
    n, r, p, salt, key = parsed
    got = hashlib.scrypt(canonical(typed).encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=MAXMEM, dklen=len(key))
    return hmac.compare_digest(got, key)


# a hash nobody knows the password of: an unknown name costs the same scrypt as a known one
_DUMMY_HASH = "scrypt$4096$8$1${}${}".format(
    base64.b64encode(b"e2x-exam-dummy-salt").decode(), base64.b64encode(b"\0" * 32).decode()
)


def fingerprint(stored):
    """Names one issued password in the sign-in state without storing anything that opens it."""
    return hashlib.sha256(stored.encode("utf-8")).hexdigest()[:32]


# ---------------------------------------------------------------------------------------------
# the pushed data


class ExamDataError(ValueError):
    """The Secret's content is not in the expected format."""


class Account:
    __slots__ = ("username", "exam", "room", "networks", "not_before", "until", "hash", "unlocks")

    def __init__(self, username, exam, room, networks, not_before, until, hash_, unlocks):
        self.username = username
        self.exam = exam
        self.room = room
        self.networks = networks
        self.not_before = not_before
        self.until = until
        self.hash = hash_
        self.unlocks = unlocks

    @property
    def fingerprint(self):
        return fingerprint(self.hash)


class ExamData:
    """The parsed content of the portal's Secret."""

    def __init__(self, exams, accounts, resource_version=None):
        self.exams = exams
        self.accounts = accounts
        self.resource_version = resource_version

    @property
    def accepting(self):
        return any(e["accepting"] for e in self.exams)

    @classmethod
    def empty(cls):
        return cls([], {})


def _int(v, what):
    if not isinstance(v, int) or isinstance(v, bool):
        raise ExamDataError(f"{what} is not an integer")
    return v


def parse_exam_data(text, resource_version=None):
    """Parses ``exams.json``; raises ExamDataError when it is not version 1 of the format."""
    try:
        doc = json.loads(text)
    except ValueError as e:
        raise ExamDataError(f"not JSON: {e}") from e
    if not isinstance(doc, dict) or doc.get("version") != FORMAT_VERSION:
        raise ExamDataError(f"unknown format version {doc.get('version') if isinstance(doc, dict) else None!r}")
    exams = []
    for i, e in enumerate(doc.get("exams") or []):
        rooms = []
        for room in e.get("rooms") or []:
            nets = []
            for c in room.get("cidrs") or []:
                try:
                    nets.append(ipaddress.ip_network(str(c), strict=False))
                except ValueError as err:
                    raise ExamDataError(f"exam {i}: room {room.get('name')!r}: {c!r} is not a network") from err
            rooms.append((str(room.get("name", "")), nets))
        exams.append(
            {
                "id": _int(e.get("id"), f"exam {i} id"),
                "courseId": str(e.get("courseId", "")),
                "period": str(e.get("period", "")),
                "title": str(e.get("title", "")),
                "status": str(e.get("status", "")),
                "accepting": e.get("accepting") is True,
                "start": _int(e.get("start"), f"exam {i} start"),
                "end": _int(e.get("end"), f"exam {i} end"),
                "revision": _int(e.get("revision", 0), f"exam {i} revision"),
                "rooms": rooms,
            }
        )
    accounts = {}
    for name, row in (doc.get("accounts") or {}).items():
        if not isinstance(row, list) or len(row) != 5:
            raise ExamDataError(f"account {name!r}: expected [exam, room, until, hash, unlocks]")
        ei, ri, until, hash_, unlocks = row
        if not isinstance(ei, int) or not 0 <= ei < len(exams):
            raise ExamDataError(f"account {name!r}: no exam {ei!r}")
        exam = exams[ei]
        if not isinstance(ri, int) or not 0 <= ri < len(exam["rooms"]):
            raise ExamDataError(f"account {name!r}: no room {ri!r}")
        room, nets = exam["rooms"][ri]
        accounts[name] = Account(
            name, exam, room, nets, exam["start"], _int(until, f"account {name!r} until"), str(hash_), _int(unlocks, f"account {name!r} unlocks")
        )
    return ExamData(exams, accounts, resource_version)


class ExamDataUnavailable(Exception):
    """The Secret cannot be read now and no recent copy exists."""


class ExamDataStore:
    """The portal's Secret through ``fetch() -> (text | None, resourceVersion)``, cached.

    ``ttl``: seconds a read is used before the next. ``grace``: seconds after the TTL during which
    the last good copy still serves when a read fails. ``timeout``: seconds one read may take.
    Concurrent callers share the one read in flight; no lock is held across it.
    """

    def __init__(self, fetch, ttl=10.0, grace=60.0, timeout=None, clock=time.monotonic):
        self.fetch = fetch
        self.ttl = ttl
        self.grace = grace
        self.timeout = timeout
        self.clock = clock
        self._data = None
        self._at = None
        self._inflight = None

    def invalidate(self):
        self._at = None

    async def _read(self):
        if self._inflight is None:

            async def read():
                try:
                    if self.timeout is None:
                        return await self.fetch()
                    return await asyncio.wait_for(self.fetch(), self.timeout)
                finally:
                    self._inflight = None

            self._inflight = asyncio.ensure_future(read())
        return await asyncio.shield(self._inflight)

    async def current(self):
        now = self.clock()
        if self._at is not None and now - self._at < self.ttl:
            return self._data
        try:
            text, version = await self._read()
            if text is None:
                data = ExamData.empty()
            elif self._data is not None and version is not None and version == self._data.resource_version:
                data = self._data
            else:
                data = parse_exam_data(text, version)
        except Exception as e:
            age = None if self._at is None else now - self._at
            if self._data is not None and age is not None and age < self.ttl + self.grace:
                log.warning("e2x-portal: reading the exam passwords failed (%s); using the copy read %.0f s ago", _describe(e), age)
                return self._data
            raise ExamDataUnavailable(f"reading the exam passwords failed: {_describe(e)}") from e
        if data is not self._data and data.exams:
            log.info(
                "e2x-portal: exam data %s: %s",
                version,
                ", ".join(f"{e['courseId']} {e['period']} {e['status']} r{e['revision']}" for e in data.exams),
            )
        self._data, self._at = data, self.clock()
        return data


def _describe(e):
    if isinstance(e, asyncio.TimeoutError):
        return "no answer within the request timeout"
    return f"{type(e).__name__}: {e}" if str(e) else type(e).__name__


def kubernetes_secret_fetcher(namespace, name, api_getter, request_timeout=None):
    """``fetch()`` reading one Secret's ``exams.json`` through a kubernetes_asyncio CoreV1Api."""

    async def fetch():
        from kubernetes_asyncio.client.rest import ApiException

        api = api_getter()
        kwargs = {} if request_timeout is None else {"_request_timeout": request_timeout}
        try:
            secret = await api.read_namespaced_secret(name, namespace, **kwargs)
        except ApiException as e:
            if e.status == 404:
                return None, None
            raise
        raw = (secret.data or {}).get(SECRET_KEY)
        if raw is None:
            return None, secret.metadata.resource_version
        return base64.b64decode(raw).decode("utf-8"), secret.metadata.resource_version

    return fetch


# ---------------------------------------------------------------------------------------------
# what a restarted hub must still know


class SignInState:
    """Used passwords, failures and locks in a SQLite file (on the hub's volume)."""

    def __init__(self, path):
        self.path = path
        if path != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        # used from one worker thread of the authenticator (see ExamPasswordAuthenticator._record)
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        # a used password must stay used across a restart: every commit reaches the disk
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS used_passwords (username TEXT NOT NULL, password TEXT NOT NULL, "
            "used_at REAL NOT NULL, address TEXT, PRIMARY KEY (username, password))"
        )
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS failures (username TEXT PRIMARY KEY, password TEXT NOT NULL, "
            "unlocks INTEGER NOT NULL, count INTEGER NOT NULL, locked_until REAL NOT NULL)"
        )

    def close(self):
        self.db.close()

    def used_at(self, username, password_fp):
        row = self.db.execute("SELECT used_at FROM used_passwords WHERE username = ? AND password = ?", (username, password_fp)).fetchone()
        return row[0] if row else None

    def use(self, username, password_fp, now, address=None):
        """Marks the password used; False when it was used already (the first caller wins)."""
        try:
            self.db.execute("INSERT INTO used_passwords VALUES (?, ?, ?, ?)", (username, password_fp, now, address))
        except sqlite3.IntegrityError:
            return False
        return True

    def _row(self, username, password_fp, unlocks, now):
        row = self.db.execute("SELECT password, unlocks, count, locked_until FROM failures WHERE username = ?", (username,)).fetchone()
        if row is None:
            return 0, 0.0
        fp, seen, count, locked_until = row
        # a new password (re-issue), an unlock from the portal, or a lock that ran out: afresh
        if fp != password_fp or seen < unlocks or (locked_until and locked_until <= now):
            self.db.execute("DELETE FROM failures WHERE username = ?", (username,))
            return 0, 0.0
        return count, locked_until

    def locked_until(self, username, password_fp, unlocks, now):
        _, until = self._row(username, password_fp, unlocks, now)
        return until if until > now else None

    def fail(self, username, password_fp, unlocks, now, max_failures, lockout_seconds):
        """Counts a wrong password; returns (failures, locked until or None)."""
        count, _ = self._row(username, password_fp, unlocks, now)
        count += 1
        until = now + lockout_seconds if count >= max_failures else 0.0
        self.db.execute(
            "INSERT OR REPLACE INTO failures VALUES (?, ?, ?, ?, ?)", (username, password_fp, unlocks, count, until)
        )
        return count, (until or None)

    def clear_failures(self, username):
        if self.db.execute("SELECT 1 FROM failures WHERE username = ?", (username,)).fetchone():
            self.db.execute("DELETE FROM failures WHERE username = ?", (username,))


# ---------------------------------------------------------------------------------------------
# the authenticator


def _zone(name):
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except Exception:
        return timezone.utc


class ExamPasswordAuthenticator(Authenticator):
    """One-time passwords from the portal's Secret (see the module docstring)."""

    secret_name = Unicode("e2x-exam-passwords", help="The portal's Secret in the hub namespace.").tag(config=True)
    namespace = Unicode("", help="Namespace of the Secret; the hub pod's when empty.").tag(config=True)
    cache_ttl = Float(10.0, help="Seconds a read of the Secret is used before the next.").tag(config=True)
    stale_grace = Float(60.0, help="Seconds after the TTL the last good copy serves when the API fails.").tag(config=True)
    request_timeout = Float(
        None, allow_none=True, help="Seconds one read may take; KubeSpawner's k8s_api_request_timeout when unset."
    ).tag(config=True)
    state_file = Unicode(
        "/srv/jupyterhub/e2x-exam-signins.sqlite", help="Used passwords, failures and locks (on the hub's volume)."
    ).tag(config=True)
    max_failures = Integer(5, help="Wrong passwords that lock an account.").tag(config=True)
    lockout_seconds = Integer(300, help="How long a lock lasts.").tag(config=True)
    trusted_proxies = List(Unicode(), help="Addresses whose X-Forwarded-For entries are believed.").tag(config=True)
    time_zone = Unicode("Europe/Berlin", help="Time zone of the times in messages.").tag(config=True)

    _store = None
    _state = None
    _state_thread = None
    #: the wall clock windows and locks are checked against (the hub's own)
    clock = staticmethod(time.time)

    @default("namespace")
    def _default_namespace(self):
        ns = os.environ.get("POD_NAMESPACE")
        if ns:
            return ns
        try:
            with open("/var/run/secrets/kubernetes.io/serviceaccount/namespace") as f:
                return f.read().strip()
        except OSError:
            return "default"

    @property
    def store(self):
        if self._store is None:
            timeout = self.request_timeout
            if timeout is None:
                from kubespawner import KubeSpawner

                timeout = KubeSpawner.class_traits()["k8s_api_request_timeout"].default_value
                if "KubeSpawner" in self.config and self.config.KubeSpawner.get("k8s_api_request_timeout") is not None:
                    timeout = self.config.KubeSpawner.k8s_api_request_timeout

            def api_getter():
                from kubespawner.clients import load_config, shared_client

                load_config()
                return shared_client("CoreV1Api")

            fetch = kubernetes_secret_fetcher(self.namespace, self.secret_name, api_getter, request_timeout=timeout)
            self._store = ExamDataStore(fetch, ttl=self.cache_ttl, grace=self.stale_grace, timeout=timeout)
        return self._store

    @store.setter
    def store(self, value):
        self._store = value

    @property
    def state(self):
        if self._state is None:
            self._state = SignInState(self.state_file)
        return self._state

    @state.setter
    def state(self, value):
        self._state = value

    def _time(self, epoch):
        return datetime.fromtimestamp(epoch, _zone(self.time_zone)).strftime("%H:%M")

    def _refuse(self, status, message, username, why):
        self.log.warning("e2x-portal: exam sign-in of %s refused: %s", _shown(username), why)
        raise web.HTTPError(status, message)

    async def _verify(self, typed, stored):
        # scrypt releases the GIL: checks run side by side, the event loop stays free
        return await asyncio.get_running_loop().run_in_executor(None, verify, typed, stored)

    async def _record(self, fn, *args):
        """Sign-in state reads and writes, one at a time on a thread of their own: every write
        reaches the disk (fsync) without holding up the hub's event loop."""
        if self._state_thread is None:
            from concurrent.futures import ThreadPoolExecutor

            self._state_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="e2x-exam-state")
        return await asyncio.get_running_loop().run_in_executor(self._state_thread, lambda: fn(self.state, *args))

    async def authenticate(self, handler, data):
        data = data or {}
        username = normalize_username(data.get("username") or "")
        password = data.get("password") or ""
        try:
            exams = await self.store.current()
        except ExamDataUnavailable as e:
            self.log.error("e2x-portal: %s", e)
            raise web.HTTPError(503, UNAVAILABLE_MESSAGE) from e
        if not exams.accepting:
            self._refuse(403, e2x_portal_auth.NOT_READY_MESSAGE, username, "no exam is open")
        account = exams.accounts.get(username)
        if account is None:
            await self._verify(password, _DUMMY_HASH)
            self._refuse(403, WRONG_MESSAGE, username, "no such account in an exam")
        if not account.exam["accepting"]:
            self._refuse(403, NOT_OPEN_MESSAGE, username, f"exam {account.exam['courseId']} {account.exam['period']} is {account.exam['status']}")
        trusted = e2x_portal_auth._networks(self.trusted_proxies)
        addr = e2x_portal_auth.client_address(handler.request, trusted) if handler is not None else None
        if not e2x_portal_auth._in(addr, account.networks):
            self._refuse(403, OTHER_ROOM_MESSAGE.format(room=account.room), username, f"{addr} is not in room {account.room}")
        now = self.clock()
        if now < account.not_before:
            self._refuse(403, NOT_YET_MESSAGE.format(time=self._time(account.not_before)), username, "before the window")
        if now > account.until:
            self._refuse(403, OVER_MESSAGE.format(time=self._time(account.until)), username, "after the window")
        fp = account.fingerprint
        locked = await self._record(SignInState.locked_until, username, fp, account.unlocks, now)
        if locked:
            self._refuse(
                403,
                LOCKED_MESSAGE.format(failures=self.max_failures, time=self._time(locked)),
                username,
                f"locked until {self._time(locked)}",
            )
        if not await self._verify(password, account.hash):
            failures, locked = await self._record(SignInState.fail, username, fp, account.unlocks, self.clock(), self.max_failures, self.lockout_seconds)
            if locked:
                self._refuse(
                    403, LOCKED_MESSAGE.format(failures=failures, time=self._time(locked)), username, f"wrong password {failures}: locked"
                )
            left = self.max_failures - failures
            self._refuse(403, WRONG_LEFT_MESSAGE.format(left="1 Versuch" if left == 1 else f"{left} Versuche", minutes=max(1, self.lockout_seconds // 60)), username, f"wrong password {failures}")
        if not await self._record(SignInState.use, username, fp, self.clock(), str(addr)):
            self._refuse(403, USED_MESSAGE, username, "the one-time password was used before")
        await self._record(SignInState.clear_failures, username)
        self.log.info(
            "e2x-portal: %s signed in to %s %s from %s (room %s) with a one-time password",
            username, account.exam["courseId"], account.exam["period"], addr, account.room,
        )
        return {"name": username}


def _shown(username):
    text = username or ""
    return repr(text if len(text) <= 64 else f"{text[:32]}...({len(text)} chars)")
