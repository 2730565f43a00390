"""Per-user KubeSpawner profiles from the E2x Hub Portal's ConfigMaps.

The portal renders, per hub, an index ConfigMap ``e2x-profiles-<hub>`` (``meta.json``) naming
immutable shard ConfigMaps: user shards (``users.json``: username -> profile keys) and profile
shards (``profiles.json``: key -> entry). A user's shard is ``fnv1a32(username) % len(userShards)``,
a profile's shard ``fnv1a32(key) % len(profileShards)`` -- the same hash as the portal's
``lib/render/hash.ts``. The hub reads them through the Kubernetes API at spawn time, so a roster
change needs no hub restart: the index is cached for a short TTL, shards (named by content
digest) are cached by name.

The portal's ConfigMap ``e2x-portal-hub`` brings this module to the hub (``E2X_PORTAL_DIR``, put on
``sys.path`` by ``jupyterhub_config.d/e2x_portal_config.py``, which imports it). It only
defines things: importing it changes no configuration.

Reads never wait without bound and never behind one another: every API read carries KubeSpawner's
own request timeout, concurrent callers share the one read in flight (no lock is held across it),
and when a read fails the last good index is used for a short grace period after its TTL ran out,
then the hub refuses clearly (HTTP 503) until the API server answers again.
"""

import asyncio
import copy
import json
import logging
import os
import time
import unicodedata
from collections import OrderedDict

log = logging.getLogger("e2x_portal_profiles")

FNV_OFFSET = 0x811C9DC5
FNV_PRIME = 0x01000193
OPTION_NAME = "term"
INDEX_PREFIX = "e2x-profiles-"


def fnv1a32(text):
    """FNV-1a, 32 bit, over the UTF-8 bytes of ``text``."""
    h = FNV_OFFSET
    for byte in text.encode("utf-8"):
        h ^= byte
        h = (h * FNV_PRIME) & 0xFFFFFFFF
    return h


def shard_of(name, shard_count):
    if shard_count < 1:
        raise ValueError(f"bad shard count {shard_count}")
    return fnv1a32(name) % shard_count


def normalize_username(name):
    """The portal's username rule (lib/identity/username.ts): strip, Unicode NFC, lower case.

    The portal keys ``users.json`` by this form; JupyterHub's ``Authenticator.normalize_username``
    lower-cases and its login form strips, so for the names the portal accepts both agree.
    """
    return unicodedata.normalize("NFC", name.strip()).lower()


def expand_username(value, username):
    """Replace ``{username}`` in strings of a (nested) value; other text is kept as is."""
    if isinstance(value, str):
        return value.replace("{username}", username)
    if isinstance(value, list):
        return [expand_username(v, username) for v in value]
    if isinstance(value, dict):
        return {k: expand_username(v, username) for k, v in value.items()}
    return value


def as_named_dict(value, key_of=lambda i, v: v["name"]):
    """KubeSpawner 7 takes ``volumes``/``volume_mounts`` as a list or as a dict keyed by name:
    the dict form, so that overrides merge with the chart's own entries instead of replacing them."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return dict(value)
    return {key_of(i, v): v for i, v in enumerate(value)}


def _mount_key(i, mount):
    return f"e2x-{mount['mountPath']}"


def volume_mounts_for(entry, username):
    """The volume mounts of a profile entry for one user, keyed (the portal renders them keyed)."""
    mounts = expand_username(copy.deepcopy(entry["choice_override"].get("volume_mounts", {})), username)
    return as_named_dict(mounts, key_of=_mount_key)


def choice_override_for(entry, username):
    override = expand_username(copy.deepcopy(entry["choice_override"]), username)
    if "volumes" in override:
        override["volumes"] = as_named_dict(override["volumes"])
    if "volume_mounts" in override:
        override["volume_mounts"] = as_named_dict(override["volume_mounts"], key_of=_mount_key)
    return safe_override(override)


# What profile data may set on a student's pod: the keys the portal renders, nothing more.
# The hub creates pods with its own ServiceAccount, so whoever can write the profile
# ConfigMaps must not be able to ask it for a privileged pod, a host path, another
# ServiceAccount or root: such keys and volumes are dropped (and logged), not passed on.
SAFE_OVERRIDE_KEYS = frozenset(
    {
        "image",
        "image_pull_policy",
        "cpu_limit",
        "cpu_guarantee",
        "mem_limit",
        "mem_guarantee",
        "node_affinity_required",
        "volumes",
        "volume_mounts",
        "lifecycle_hooks",
        "uid",
        "gid",
        "fs_gid",
        "environment",
    }
)
SAFE_VOLUME_SOURCES = frozenset({"nfs", "persistentVolumeClaim", "configMap", "emptyDir"})
MIN_ID = 1000


def _safe_sub_path(value):
    return isinstance(value, str) and not value.startswith("/") and ".." not in value.split("/") and "\0" not in value


def safe_override(override):
    """``override`` without what profile data must never set on a pod (see SAFE_OVERRIDE_KEYS)."""
    out = {}
    for key, value in (override or {}).items():
        if key not in SAFE_OVERRIDE_KEYS:
            log.warning("profile data asks for %r on a pod: ignored", key)
            continue
        if key in ("uid", "gid", "fs_gid") and (isinstance(value, bool) or not isinstance(value, int) or value < MIN_ID):
            log.warning("profile data asks for %s=%r: ignored (never root or a system id)", key, value)
            continue
        if key == "volumes":
            value = {
                name: vol
                for name, vol in as_named_dict(value).items()
                if isinstance(vol, dict) and set(vol) - {"name"} and set(vol) - {"name"} <= SAFE_VOLUME_SOURCES
            }
        if key == "volume_mounts":
            value = {
                name: m
                for name, m in as_named_dict(value, key_of=_mount_key).items()
                if isinstance(m, dict) and ("subPath" not in m or _safe_sub_path(m["subPath"])) and "subPathExpr" not in m
            }
        out[key] = value
    return out


def _sorted_entries(entries):
    return sorted(entries, key=lambda e: (e.get("order", 0), e["key"]))


def build_profile_list(entries, username, exam=False):
    """KubeSpawner profiles for one user from their profile entries.

    One profile per course and role (slug ``<course>+<role>``), with one profile option
    ``term`` whose choices are keyed ``<course>+<role>+<course_id>``. In exam mode the user
    gets exactly one profile with exactly one choice.
    """
    entries = _sorted_entries(entries)
    if exam:
        entries = entries[:1]
    profiles = OrderedDict()
    for entry in entries:
        slug = entry["slug"]
        profile = profiles.get(slug)
        if profile is None:
            profile = profiles[slug] = {
                "display_name": entry["display_name"],
                "slug": slug,
                "description": f"{entry['course']} ({entry['role']})",
                "kubespawner_override": safe_override(copy.deepcopy(entry.get("profile_override", {}))),
                "profile_options": {
                    OPTION_NAME: {"display_name": "Semester", "choices": OrderedDict()},
                },
            }
        choices = profile["profile_options"][OPTION_NAME]["choices"]
        choices[entry["key"]] = {
            "display_name": entry["choice_display_name"],
            "default": not choices,
            "kubespawner_override": choice_override_for(entry, username),
        }
    result = list(profiles.values())
    if result:
        result[0]["default"] = True
    for p in result:
        p["profile_options"][OPTION_NAME]["choices"] = dict(p["profile_options"][OPTION_NAME]["choices"])
    return result


def selected_key(profile_list, user_options):
    """The ``<course>+<role>+<course_id>`` key the user options select (or the defaults)."""
    if not profile_list:
        return None
    user_options = user_options or {}
    slug = user_options.get("profile")
    if slug:
        matches = [p for p in profile_list if p["slug"] == slug]
        if not matches:
            return None
        profile = matches[0]
    else:
        profile = next((p for p in profile_list if p.get("default")), profile_list[0])
    choices = profile["profile_options"][OPTION_NAME]["choices"]
    key = user_options.get(OPTION_NAME)
    if key:
        return key if key in choices else None
    return next((k for k, c in choices.items() if c.get("default")), next(iter(choices)))


class ProfileDataUnavailable(Exception):
    """The profile data cannot be read now (API server down or not answering) and no recent copy exists."""


class ProfileStore:
    """Reads the portal's profile ConfigMaps through ``fetch(name) -> data dict | None``.

    ``ttl``: seconds the index is used before it is read again. ``grace``: seconds after the TTL
    during which the last good index still serves when a read fails. ``timeout``: seconds one read
    may take (KubeSpawner's ``k8s_api_request_timeout``); ``None`` leaves it to ``fetch``.
    """

    def __init__(self, hub, fetch, ttl=30.0, grace=60.0, timeout=None, clock=time.monotonic, max_shards=64):
        self.hub = hub
        self.fetch = fetch
        self.ttl = ttl
        self.grace = grace
        self.timeout = timeout
        self.clock = clock
        self.max_shards = max_shards
        self._meta = None
        self._meta_at = None
        self._shards = OrderedDict()
        self._inflight = {}

    @property
    def index_name(self):
        return INDEX_PREFIX + self.hub

    def invalidate(self):
        self._meta_at = None

    async def _read(self, name):
        """One API read of ``name``, shared by everyone who asks while it is in flight."""
        task = self._inflight.get(name)
        if task is None:

            async def read():
                try:
                    if self.timeout is None:
                        return await self.fetch(name)
                    return await asyncio.wait_for(self.fetch(name), self.timeout)
                finally:
                    self._inflight.pop(name, None)

            task = self._inflight[name] = asyncio.ensure_future(read())
        # a caller that gives up (its request ended) must not cancel the read for the others
        return await asyncio.shield(task)

    async def meta(self):
        now = self.clock()
        if self._meta_at is not None and now - self._meta_at < self.ttl:
            return self._meta
        try:
            data = await self._read(self.index_name)
        except Exception as e:
            age = None if self._meta_at is None else now - self._meta_at
            if self._meta is not None and age is not None and age < self.ttl + self.grace:
                log.warning(
                    "e2x-portal: reading %s failed (%s); using the index read %.0f s ago",
                    self.index_name, _describe(e), age,
                )
                return self._meta
            raise ProfileDataUnavailable(f"reading {self.index_name} failed: {_describe(e)}") from e
        if data is None:
            meta = {"exam": False, "userShards": [], "profileShards": []}
        else:
            meta = json.loads(data["meta.json"])
        self._meta, self._meta_at = meta, self.clock()
        return meta

    async def _shard(self, name, data_key):
        cached = self._shards.get(name)
        if cached is not None:
            self._shards.move_to_end(name)
            return cached
        try:
            data = await self._read(name)
        except Exception as e:
            raise ProfileDataUnavailable(f"reading {name} failed: {_describe(e)}") from e
        # a shard pruned between reading the index and the shard: re-read the index next time
        if data is None:
            self.invalidate()
            return {}
        parsed = json.loads(data[data_key])
        self._shards[name] = parsed
        while len(self._shards) > self.max_shards:
            self._shards.popitem(last=False)
        return parsed

    async def entries_for(self, username):
        """The user's profile entries, in the portal's order, and whether the hub is in exam mode."""
        username = normalize_username(username)
        meta = await self.meta()
        user_shards = meta.get("userShards") or []
        profile_shards = meta.get("profileShards") or []
        if not user_shards:
            return [], bool(meta.get("exam"))
        users = await self._shard(user_shards[shard_of(username, len(user_shards))], "users.json")
        entries = []
        for key in users.get(username, []):
            profiles = await self._shard(profile_shards[shard_of(key, len(profile_shards))], "profiles.json")
            if key in profiles:
                entries.append(profiles[key])
        return entries, bool(meta.get("exam"))


def _describe(e):
    if isinstance(e, asyncio.TimeoutError):
        return "no answer within the request timeout"
    return f"{type(e).__name__}: {e}" if str(e) else type(e).__name__


UNAVAILABLE_MESSAGE = (
    "Die Kursdaten dieses Hubs können gerade nicht gelesen werden (die Kubernetes-API antwortet nicht). "
    "Bitte in einer Minute erneut versuchen."
)


def _unavailable(http_error, e):
    if http_error is None:
        return e
    return http_error(503, UNAVAILABLE_MESSAGE)


def make_profile_list(store, http_error=None):
    """An async ``profile_list(spawner)`` for KubeSpawner."""

    async def profile_list(spawner):
        username = spawner.user.name
        try:
            entries, exam = await store.entries_for(username)
        except ProfileDataUnavailable as e:
            spawner.log.error("e2x-portal: profiles of %s unavailable: %s", username, e)
            raise _unavailable(http_error, e) from e
        profiles = build_profile_list(entries, username, exam=exam)
        if not profiles:
            spawner.log.warning("e2x-portal: %s has no course on hub %s", username, store.hub)
        return profiles

    return profile_list


class NotEnrolled(Exception):
    pass


def _configured(spawner, name):
    """The value of a KubeSpawner trait as the configuration (the chart) sets it, before any override."""
    value = spawner.config.KubeSpawner.get(name) if "KubeSpawner" in spawner.config else None
    if value is None:
        value = spawner.trait_defaults(name)
    return as_named_dict(copy.deepcopy(value), key_of=lambda i, v: f"{i}-{v['name']}" if name == "volume_mounts" else v["name"])


def make_pre_spawn_hook(store, http_error=None):
    """A ``pre_spawn_hook`` that checks the chosen key against the current roster, then sets the
    pod's volumes and mounts to the chart's own plus the chosen course term's (never a previous
    spawn's), and the E2X_* environment."""

    async def pre_spawn_hook(spawner):
        username = spawner.user.name
        try:
            entries, exam = await store.entries_for(username)
        except ProfileDataUnavailable as e:
            spawner.log.error("e2x-portal: profiles of %s unavailable: %s", username, e)
            raise _unavailable(http_error, e) from e
        profiles = build_profile_list(entries, username, exam=exam)
        key = selected_key(profiles, getattr(spawner, "user_options", None) or {})
        by_key = {e["key"]: e for e in entries}
        if key is None or key not in by_key:
            message = f"{username} ist im gewählten Kurs auf diesem Hub nicht eingetragen (not enrolled)"
            if http_error is not None:
                raise http_error(403, message)
            raise NotEnrolled(message)
        entry = by_key[key]
        override = choice_override_for(entry, username)
        volumes = _configured(spawner, "volumes")
        volumes.update(override.get("volumes", {}))
        mounts = _configured(spawner, "volume_mounts")
        mounts.update(override.get("volume_mounts", {}))
        spawner.volumes = volumes
        spawner.volume_mounts = mounts
        env = dict(spawner.environment or {})
        env.update(override.get("environment", {}))
        env["E2X_PROFILE_KEY"] = key
        spawner.environment = env
        spawner.log.info("e2x-portal: %s spawns %s on hub %s", username, key, store.hub)
        return key

    return pre_spawn_hook


def kubernetes_fetcher(namespace, api_getter, request_timeout=None):
    """``fetch(name)`` reading ConfigMap data through a kubernetes_asyncio CoreV1Api."""

    async def fetch(name):
        from kubernetes_asyncio.client.rest import ApiException

        api = api_getter()
        kwargs = {} if request_timeout is None else {"_request_timeout": request_timeout}
        try:
            cm = await api.read_namespaced_config_map(name, namespace, **kwargs)
        except ApiException as e:
            if e.status == 404:
                return None
            raise
        return cm.data or {}

    return fetch


def _incluster_namespace():
    path = "/var/run/secrets/kubernetes.io/serviceaccount/namespace"
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return "default"


def configure(c, settings, env=None):
    """Wire the profile list and the pre-spawn hook into a JupyterHub config object ``c``.

    ``settings`` are the portal's pushed hub settings (``e2x-portal-settings.json``): ``hub`` (assignment|exam|grading),
    ``cacheTtlSeconds`` (default 30), ``staleGraceSeconds`` (default 60). The namespace is the
    hub pod's (``POD_NAMESPACE``, set by the chart). Reads time out after KubeSpawner's own
    ``k8s_api_request_timeout``.
    """
    env = os.environ if env is None else env
    hub = settings.get("hub", "assignment")
    namespace = env.get("POD_NAMESPACE") or _incluster_namespace()
    ttl = float(settings.get("cacheTtlSeconds", 30))
    grace = float(settings.get("staleGraceSeconds", 60))
    from kubespawner import KubeSpawner

    timeout = c.KubeSpawner.get("k8s_api_request_timeout") if "KubeSpawner" in c else None
    if timeout is None:
        timeout = KubeSpawner.class_traits()["k8s_api_request_timeout"].default_value

    def api_getter():
        from kubespawner.clients import load_config, shared_client

        load_config()
        return shared_client("CoreV1Api")

    from tornado.web import HTTPError

    store = ProfileStore(
        hub, kubernetes_fetcher(namespace, api_getter, request_timeout=timeout), ttl=ttl, grace=grace, timeout=timeout
    )
    c.KubeSpawner.profile_list = make_profile_list(store, http_error=HTTPError)
    c.KubeSpawner.pre_spawn_hook = make_pre_spawn_hook(store, http_error=HTTPError)
    return store
