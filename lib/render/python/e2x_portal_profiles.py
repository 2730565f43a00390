"""Per-user KubeSpawner profiles from the E2x Hub Portal's ConfigMaps.

The portal renders, per hub, an index ConfigMap ``e2x-profiles-<hub>`` (``meta.json``) naming
immutable shard ConfigMaps: user shards (``users.json``: username -> profile keys) and profile
shards (``profiles.json``: key -> entry). A user's shard is ``fnv1a32(username) % len(userShards)``,
a profile's shard ``fnv1a32(key) % len(profileShards)`` -- the same hash as the portal's
``lib/render/hash.ts``. The hub reads them through the Kubernetes API at spawn time, so a roster
change needs no hub restart: the index is cached for a short TTL, shards (named by content
digest) are cached by name.

This file only defines things: it is safe to execute as a config file and to import.
"""

import asyncio
import copy
import json
import logging
import os
import time
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


def expand_username(value, username):
    """Replace ``{username}`` in strings of a (nested) value; other text is kept as is."""
    if isinstance(value, str):
        return value.replace("{username}", username)
    if isinstance(value, list):
        return [expand_username(v, username) for v in value]
    if isinstance(value, dict):
        return {k: expand_username(v, username) for k, v in value.items()}
    return value


def volume_mounts_for(entry, username):
    """The volume mounts of a profile entry for one user (the E2x pre-spawn rebuild)."""
    return expand_username(copy.deepcopy(entry["choice_override"].get("volume_mounts", [])), username)


def choice_override_for(entry, username):
    override = copy.deepcopy(entry["choice_override"])
    if "volume_mounts" in override:
        override["volume_mounts"] = volume_mounts_for(entry, username)
    return override


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
                "kubespawner_override": copy.deepcopy(entry.get("profile_override", {})),
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


class ProfileStore:
    """Reads the portal's profile ConfigMaps through ``fetch(name) -> data dict | None``."""

    def __init__(self, hub, fetch, ttl=30.0, clock=time.monotonic, max_shards=64):
        self.hub = hub
        self.fetch = fetch
        self.ttl = ttl
        self.clock = clock
        self.max_shards = max_shards
        self._meta = None
        self._meta_at = None
        self._shards = OrderedDict()
        self._lock = asyncio.Lock()

    @property
    def index_name(self):
        return INDEX_PREFIX + self.hub

    def invalidate(self):
        self._meta_at = None

    async def meta(self):
        async with self._lock:
            now = self.clock()
            if self._meta_at is None or now - self._meta_at >= self.ttl:
                try:
                    data = await self.fetch(self.index_name)
                except Exception:
                    # API server briefly unreachable: keep spawning with the last index seen
                    if self._meta is None:
                        raise
                    log.warning("e2x-portal: reading %s failed, using the cached index", self.index_name, exc_info=True)
                    self._meta_at = now
                    return self._meta
                if data is None:
                    meta = {"exam": False, "userShards": [], "profileShards": []}
                else:
                    meta = json.loads(data["meta.json"])
                self._meta, self._meta_at = meta, now
            return self._meta

    async def _shard(self, name, data_key):
        cached = self._shards.get(name)
        if cached is not None:
            self._shards.move_to_end(name)
            return cached
        data = await self.fetch(name)
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


def make_profile_list(store):
    """An async ``profile_list(spawner)`` for KubeSpawner."""

    async def profile_list(spawner):
        username = spawner.user.name
        entries, exam = await store.entries_for(username)
        profiles = build_profile_list(entries, username, exam=exam)
        if not profiles:
            spawner.log.warning("e2x-portal: %s has no course on hub %s", username, store.hub)
        return profiles

    return profile_list


class NotEnrolled(Exception):
    pass


def make_pre_spawn_hook(store, http_error=None):
    """A ``pre_spawn_hook`` that checks the chosen key against the current roster and rebuilds
    the volume mounts, volumes and E2X_* environment from it."""

    async def pre_spawn_hook(spawner):
        username = spawner.user.name
        entries, exam = await store.entries_for(username)
        profiles = build_profile_list(entries, username, exam=exam)
        key = selected_key(profiles, getattr(spawner, "user_options", None) or {})
        by_key = {e["key"]: e for e in entries}
        if key is None or key not in by_key:
            message = f"{username} is not enrolled in the selected course on this hub"
            if http_error is not None:
                raise http_error(403, message)
            raise NotEnrolled(message)
        entry = by_key[key]
        override = choice_override_for(entry, username)
        spawner.volumes = override.get("volumes", [])
        spawner.volume_mounts = override.get("volume_mounts", [])
        env = dict(spawner.environment or {})
        env.update(override.get("environment", {}))
        env["E2X_PROFILE_KEY"] = key
        spawner.environment = env
        spawner.log.info("e2x-portal: %s spawns %s on hub %s", username, key, store.hub)
        return key

    return pre_spawn_hook


def kubernetes_fetcher(namespace, api_getter):
    """``fetch(name)`` reading ConfigMap data through a kubernetes_asyncio CoreV1Api."""

    async def fetch(name):
        from kubernetes_asyncio.client.rest import ApiException

        api = api_getter()
        try:
            cm = await api.read_namespaced_config_map(name, namespace)
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


def configure(c, env=None):
    """Wire the profile list and the pre-spawn hook into a JupyterHub config object ``c``.

    Environment: E2X_PORTAL_HUB (assignment|exam|grading), E2X_PORTAL_NAMESPACE (defaults to
    the pod's namespace), E2X_PORTAL_CACHE_TTL (seconds, default 30).
    """
    env = os.environ if env is None else env
    hub = env.get("E2X_PORTAL_HUB", "assignment")
    namespace = env.get("E2X_PORTAL_NAMESPACE") or _incluster_namespace()
    ttl = float(env.get("E2X_PORTAL_CACHE_TTL", "30"))

    def api_getter():
        from kubespawner.clients import load_config, shared_client

        load_config()
        return shared_client("CoreV1Api")

    try:
        from tornado.web import HTTPError
    except ImportError:  # pragma: no cover
        HTTPError = None
    store = ProfileStore(hub, kubernetes_fetcher(namespace, api_getter), ttl=ttl)
    c.KubeSpawner.profile_list = make_profile_list(store)
    c.KubeSpawner.pre_spawn_hook = make_pre_spawn_hook(store, http_error=HTTPError)
    return store
