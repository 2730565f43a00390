"""Shared fixtures: the portal's golden render output is the hub's data source in tests."""

import json
import os
import sys
import tempfile
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
PYTHON_DIR = HERE.parent
GOLDEN_DIR = PYTHON_DIR.parent / "__golden__"
sys.path.insert(0, str(PYTHON_DIR))

# KubeSpawner loads a kubeconfig when constructed; point it at an address nothing listens on.
# No test talks to a cluster.
_kubeconfig = Path(tempfile.mkdtemp(prefix="e2x-kubeconfig-")) / "config"
_kubeconfig.write_text(
    """apiVersion: v1
kind: Config
clusters: [{name: none, cluster: {server: "https://127.0.0.1:9"}}]
users: [{name: none, user: {token: none}}]
contexts: [{name: none, context: {cluster: none, user: none}}]
current-context: none
"""
)
os.environ.setdefault("KUBECONFIG", str(_kubeconfig))


def load_golden_configmaps():
    """{namespace: {name: data}} from lib/render/__golden__/objects.json."""
    objects = json.loads((GOLDEN_DIR / "objects.json").read_text())
    out = {}
    for o in objects:
        if o["kind"] == "ConfigMap":
            out.setdefault(o["metadata"]["namespace"], {})[o["metadata"]["name"]] = o["data"]
    return out


@pytest.fixture
def golden_configmaps():
    return load_golden_configmaps()


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class CountingFetch:
    """fetch(name) over a dict of ConfigMap data, counting API reads."""

    def __init__(self, configmaps):
        self.configmaps = configmaps
        self.calls = []

    async def __call__(self, name):
        self.calls.append(name)
        data = self.configmaps.get(name)
        return None if data is None else dict(data)


@pytest.fixture
def fake_clock():
    return FakeClock()


@pytest.fixture
def store_for(golden_configmaps, fake_clock):
    import e2x_portal_profiles as p

    def make(hub, ttl=30.0):
        fetch = CountingFetch(golden_configmaps[f"e2x-{hub}"])
        return p.ProfileStore(hub, fetch, ttl=ttl, clock=fake_clock), fetch

    return make


def pytest_collection_modifyitems(items):
    """Run coroutine tests with pytest-asyncio whatever the ini's asyncio_mode."""
    import inspect

    for item in items:
        fn = getattr(item, "function", None)
        if fn is not None and inspect.iscoroutinefunction(fn):
            item.add_marker(pytest.mark.asyncio)
