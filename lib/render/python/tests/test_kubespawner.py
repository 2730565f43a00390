"""The generated profiles through KubeSpawner 7's own code paths (no cluster is contacted)."""

import json
import os
import sys
from pathlib import Path

import pytest
from jupyterhub import orm
from jupyterhub.objects import Hub
from jupyterhub.user import User
from kubespawner import KubeSpawner
from tornado.web import HTTPError
from traitlets.config import Config, PyFileConfigLoader

import e2x_portal_profiles as p
from conftest import PYTHON_DIR, load_golden_configmaps


@pytest.fixture
def db():
    return orm.new_session_factory("sqlite:///:memory:")()


def make_user(db, name):
    orm_user = orm.User(name=name)
    db.add(orm_user)
    db.commit()
    return User(orm_user, settings={})


def make_spawner(db, username, store, config=None):
    """A real KubeSpawner wired the way e2x_portal_config.py wires it."""
    c = Config(config or {})
    c.KubeSpawner.profile_list = p.make_profile_list(store)
    c.KubeSpawner.pre_spawn_hook = p.make_pre_spawn_hook(store, http_error=HTTPError)
    hub = Hub(base_url="/hub/", public_host="https://jupyter.e2x.example.edu")
    return KubeSpawner(user=make_user(db, username), hub=hub, namespace="e2x-assignment", config=c)


async def manifest(spawner):
    """The pod KubeSpawner would create, as the JSON sent to the API server."""
    pod = await spawner.get_pod_manifest()
    return spawner.api.api_client.sanitize_for_serialization(pod)


def node_purpose(pod):
    terms = pod["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    (term,) = terms
    (expr,) = term["matchExpressions"]
    assert (expr["key"], expr["operator"]) == ("hub.jupyter.org/node-purpose", "In")
    return expr["values"]


async def spawn_settings(spawner, formdata):
    """What JupyterHub does between the form post and the pod: options, hook, profile."""
    spawner.user_options = spawner.options_from_form(formdata)
    key = await spawner.run_pre_spawn_hook()
    await spawner.load_user_options()
    return key


async def test_form_selects_course_term_and_kubespawner_applies_it(db, store_for):
    store, _ = store_for("assignment")
    spawner = make_spawner(db, "alice", store)
    form = await spawner._render_options_form_dynamically(spawner)
    assert 'value="mathe1+student"' in form and "mathe1+student+mathe1-SS25" in form

    key = await spawn_settings(
        spawner,
        {
            "profile": ["mathe1+student"],
            "profile-option-mathe1+student--term": ["mathe1+student+mathe1-SS25"],
        },
    )
    assert key == "mathe1+student+mathe1-SS25"
    assert spawner.user_options == {"profile": "mathe1+student", "term": "mathe1+student+mathe1-SS25"}
    assert spawner.image == "ghcr.io/digiklausur/e2x-notebook:2025.04"
    assert spawner.cpu_guarantee == 0.5 and spawner.cpu_limit == 2.0
    assert spawner.mem_guarantee == 1024**3 and spawner.mem_limit == 2 * 1024**3
    assert spawner.uid == 1000
    assert spawner.environment["E2X_COURSE_ID"] == "mathe1-SS25"
    assert spawner.environment["E2X_PROFILE_KEY"] == "mathe1+student+mathe1-SS25"
    home = next(m for m in spawner.volume_mounts.values() if m["mountPath"] == "/home/jovyan")
    assert home["subPath"] == "homes/teaching/students/mathe1-SS25/alice"

    pod = await manifest(spawner)
    container = pod["spec"]["containers"][0]
    assert container["image"] == "ghcr.io/digiklausur/e2x-notebook:2025.04"
    assert container["resources"] == {
        "limits": {"cpu": 2.0, "memory": 2 * 1024**3},
        "requests": {"cpu": 0.5, "memory": 1024**3},
    }
    mounts = {m["mountPath"]: (m["subPath"], m["readOnly"]) for m in container["volumeMounts"]}
    assert mounts["/home/jovyan"] == ("homes/teaching/students/mathe1-SS25/alice", False)
    assert mounts["/srv/nbgrader/exchange/mathe1-SS25/outbound"][1] is True
    assert mounts["/srv/shares/mathe1"] == ("shares/teaching/courses/mathe1", True)
    nfs = next(v for v in pod["spec"]["volumes"] if v["name"] == "e2x-nfs")
    assert nfs["nfs"] == {"server": "nfs.e2x.example.edu", "path": "/export/e2x"}
    assert node_purpose(pod) == ["user"]
    assert container["securityContext"]["runAsUser"] == 1000


async def test_defaults_apply_without_form_data(db, store_for):
    store, _ = store_for("assignment")
    spawner = make_spawner(db, "alice", store)
    key = await spawn_settings(spawner, {})
    assert key == "mathe1+student+mathe1-WS25"
    assert spawner.image == "ghcr.io/digiklausur/e2x-notebook:2025.10"


async def test_username_with_dot_gets_its_raw_name_in_nfs_paths(db, store_for):
    store, _ = store_for("assignment")
    spawner = make_spawner(db, "max.mustermann", store)
    await spawn_settings(spawner, {"profile": ["mathe1+student"]})
    pod = await manifest(spawner)
    mounts = {m["mountPath"]: m["subPath"] for m in pod["spec"]["containers"][0]["volumeMounts"]}
    assert mounts["/home/jovyan"] == "homes/teaching/students/mathe1-WS25/max.mustermann"


async def test_precedence_kubespawner_then_profile_then_choice(db, store_for):
    store, _ = store_for("assignment")
    config = {
        "KubeSpawner": {
            "image": "base/image:1",
            "cpu_limit": 0.25,
            "uid": 4242,
            "environment": {"FROM_BASE": "kept", "E2X_ROLE": "overridden"},
            "extra_labels": {"tier": "base"},
        }
    }
    spawner = make_spawner(db, "grace", store, config)
    await spawn_settings(spawner, {"profile": ["mathe1+grader"]})
    assert spawner.image == "ghcr.io/digiklausur/e2x-notebook:2025.10"  # choice wins
    assert spawner.cpu_limit == 2.0
    assert spawner.uid == 2000  # profile wins over c.KubeSpawner
    # dict overrides merge recursively
    assert spawner.environment["FROM_BASE"] == "kept"
    assert spawner.environment["E2X_ROLE"] == "grader"
    assert spawner.extra_labels == {"tier": "base"}

    # choice override beats profile override for the same key
    entry = {
        "key": "k+student+k-WS25", "slug": "k+student", "order": 0, "course": "k", "role": "student",
        "display_name": "K", "choice_display_name": "WS25",
        "profile_override": {"image": "profile/image:1", "cpu_limit": 1.0},
        "choice_override": {"image": "choice/image:1"},
    }

    class Static:
        hub = "assignment"

        async def entries_for(self, username):
            return [entry], False

    s2 = make_spawner(db, "kim", Static())
    await spawn_settings(s2, {"profile": ["k+student"]})
    assert s2.image == "choice/image:1" and s2.cpu_limit == 1.0


async def test_exam_profile_is_the_only_one_and_pins_exam_nodes(db, store_for):
    store, _ = store_for("exam")
    spawner = make_spawner(db, "mathe1-max.mustermann", store)
    profiles = await spawner.profile_list(spawner)
    assert [x["slug"] for x in profiles] == ["mathe1+student"]
    assert list(profiles[0]["profile_options"]["term"]["choices"]) == ["mathe1+student+mathe1-WS25+PZ1"]
    await spawn_settings(spawner, {"profile": ["mathe1+student"]})
    pod = await manifest(spawner)
    c = pod["spec"]["containers"][0]
    assert c["resources"]["requests"] == c["resources"]["limits"]  # guaranteed QoS in exams
    assert node_purpose(pod) == ["exam"]
    mounts = {m["mountPath"]: m["subPath"] for m in c["volumeMounts"]}
    assert mounts["/home/jovyan"] == "homes/exam/WS25-PZ1/mathe1-max.mustermann/home"
    # the other course cannot be chosen through the API either
    with pytest.raises((HTTPError, ValueError)):
        await spawn_settings(spawner, {"profile": ["prog+student"]})
    # a roster login is no exam account: nothing to spawn
    roster = make_spawner(db, "alice", store)
    assert await roster.profile_list(roster) == []


async def test_pre_spawn_hook_refuses_a_course_the_user_is_not_in(db, store_for):
    store, _ = store_for("assignment")
    spawner = make_spawner(db, "bob", store)
    spawner.user_options = {"profile": "mathe1+student", "term": "mathe1+student+mathe1-WS25"}
    with pytest.raises(HTTPError) as e:
        await spawner.run_pre_spawn_hook()
    assert e.value.status_code == 403


def exec_like_the_chart(name, values, c=None):
    """Runs a jupyterhub_config.d file the way Z2JH 4.4.0's jupyterhub_config.py does: exec() in the
    loader's globals, where ``c`` is the config, ``get_config`` is ``z2jh.get_config(key, default)``
    and ``__file__`` names jupyterhub_config.py."""
    c = c if c is not None else Config()

    def get_config(key, default=None):  # z2jh.get_config's signature: a key is required
        value = values
        for level in key.split("."):
            if not isinstance(value, dict) or level not in value:
                return default
            value = value[level]
        return value

    source = (PYTHON_DIR / name).read_text()
    scope = {"c": c, "get_config": get_config, "__file__": "/usr/local/etc/jupyterhub/jupyterhub_config.py"}
    exec(compile(source=source, filename=name, mode="exec"), scope)
    return c


def test_config_file_wires_kubespawner_under_the_charts_loader(monkeypatch, tmp_path):
    # the portal's ConfigMap as the hub pod mounts it (E2X_PORTAL_DIR), with other settings
    data = load_golden_configmaps()["e2x-exam"]["e2x-portal-hub"]
    for key, text in data.items():
        (tmp_path / key).write_text(text)
    pushed = json.loads(data["e2x-portal-settings.json"])
    pushed.update(cacheTtlSeconds=5, admins=["root"])
    (tmp_path / "e2x-portal-settings.json").write_text(json.dumps(pushed))
    monkeypatch.setenv("E2X_PORTAL_DIR", str(tmp_path))
    monkeypatch.setenv("POD_NAMESPACE", "e2x-exam")
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p != str(PYTHON_DIR)])
    for mod in ["e2x_portal_auth", "e2x_portal_hub", "e2x_portal_profiles", "e2x_portal_exam"]:
        monkeypatch.delitem(sys.modules, mod, raising=False)
    c = Config()
    c.JupyterHub.authenticator_class = "e2x_portal_auth.FailClosedAuthenticator"  # the values' fallback
    c = exec_like_the_chart("e2x_portal_config.py", {}, c)
    assert callable(c.KubeSpawner.profile_list)
    assert callable(c.KubeSpawner.pre_spawn_hook)
    auth = c.JupyterHub.authenticator_class
    # the modules came from the mounted directory, not from this checkout
    assert sys.modules["e2x_portal_auth"].__file__ == str(tmp_path / "e2x_portal_auth.py")
    # the exam hub's one-time-password sign-in, selected and configured by the pushed settings
    assert sys.modules["e2x_portal_exam"].__file__ == str(tmp_path / "e2x_portal_exam.py")
    assert issubclass(auth, sys.modules["e2x_portal_exam"].ExamPasswordAuthenticator)
    assert c.ExamPasswordAuthenticator.secret_name == "e2x-exam-passwords"
    assert c.Authenticator.admin_users == {"root"}
    assert c.Authenticator.allow_all is False
    assert c.JupyterHub.template_vars["announcement_login"].startswith("Melden Sie sich")


def test_profiles_module_is_safe_to_execute_as_a_config_file():
    loader = PyFileConfigLoader("e2x_portal_profiles.py", path=str(PYTHON_DIR))
    cfg = loader.load_config()
    assert "KubeSpawner" not in cfg


async def test_a_user_without_any_course_cannot_spawn_the_default_image(db, store_for):
    store, _ = store_for("grading")
    spawner = make_spawner(db, "alice", store)  # a student: no profile on the grading hub
    assert await spawner.profile_list(spawner) == []
    spawner.user_options = {}
    with pytest.raises(HTTPError) as e:
        await spawner.run_pre_spawn_hook()
    assert e.value.status_code == 403


async def test_chart_volumes_are_kept_beside_the_profile_mounts(db, store_for):
    """singleuser.extraFiles: the chart sets dicts keyed by name; the profile adds, never replaces."""
    store, _ = store_for("exam")
    chart = {
        "KubeSpawner": {
            "volumes": {"files": {"name": "files", "secret": {"secretName": "singleuser"}}},
            "volume_mounts": {"0-files": {"name": "files", "mountPath": "/etc/jupyter/x.json", "subPath": "x"}},
        }
    }
    spawner = make_spawner(db, "prog-bob", store, chart)
    await spawn_settings(spawner, {})
    pod = await manifest(spawner)
    names = {v["name"] for v in pod["spec"]["volumes"]}
    assert {"files", "e2x-nfs"} <= names
    paths = {m["mountPath"] for m in pod["spec"]["containers"][0]["volumeMounts"]}
    assert {"/etc/jupyter/x.json", "/home/jovyan"} <= paths
    # a second spawn of another course keeps no mount of the first
    spawner.user_options = {}
    await spawn_settings(spawner, {})
    assert sum(1 for m in spawner.volume_mounts.values() if m["mountPath"] == "/home/jovyan") == 1
