"""The hub-side username rule agrees with the portal's vectors and with JupyterHub itself."""

import json
import unicodedata
from pathlib import Path

import pytest
from jupyterhub.auth import Authenticator

import e2x_portal_profiles as p
from conftest import load_golden_configmaps

VECTORS = json.loads(
    (Path(__file__).resolve().parents[3] / "identity" / "__golden__" / "username-vectors.json").read_text()
)["vectors"]


@pytest.mark.parametrize("v", VECTORS, ids=lambda v: repr(v["input"]))
def test_normalize_username_matches_the_portal(v):
    assert p.normalize_username(v["input"]) == v["normalized"]


# JupyterHub does not compose Unicode (the hub-side lookup does): compare on composed input.
COMPOSED = [v for v in VECTORS if unicodedata.normalize("NFC", v["input"]) == v["input"]]


@pytest.mark.parametrize("v", COMPOSED, ids=lambda v: repr(v["input"]))
def test_jupyterhub_names_the_user_as_the_portal_does(v):
    # the login form strips the typed name, then the authenticator normalizes it
    assert Authenticator().normalize_username(v["input"].strip()) == v["normalized"]


def test_decomposed_input_is_the_only_difference_from_jupyterhub():
    decomposed = [v for v in VECTORS if v not in COMPOSED]
    assert decomposed, "the vectors must cover decomposed input"
    for v in decomposed:
        hub = Authenticator().normalize_username(v["input"].strip())
        assert unicodedata.normalize("NFC", hub) == v["normalized"]


async def test_a_hub_user_finds_the_profiles_whatever_the_case(store_for):
    store, _ = store_for("assignment")
    upper, _ = await store.entries_for("ALICE ")
    lower, _ = await store.entries_for("alice")
    assert upper == lower and len(lower) > 0


def test_every_rendered_user_key_is_normalized():
    for cms in load_golden_configmaps().values():
        for name, data in cms.items():
            if "users.json" in data:
                for user in json.loads(data["users.json"]):
                    assert p.normalize_username(user) == user, (name, user)
