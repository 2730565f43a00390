"""The rendered Z2JH values and the portal's hub ConfigMap, read the way the hub reads them."""

import json

import pytest
import yaml
from ldapauthenticator import LDAPAuthenticator
from ldapauthenticator.ldapauthenticator import TlsStrategy
from traitlets.config import Config

import e2x_portal_hub as h
from conftest import GOLDEN_DIR, PYTHON_DIR, load_golden_configmaps


def values(hub):
    return yaml.safe_load((GOLDEN_DIR / f"values-{hub}.yaml").read_text())


def hub_configmap(hub):
    return load_golden_configmaps()[f"e2x-{hub}"]["e2x-portal-hub"]


def settings(hub):
    return json.loads(hub_configmap(hub)["e2x-portal-settings.json"])


@pytest.mark.parametrize("hub", ["assignment", "exam", "grading"])
def test_values_mount_the_portals_configmap_and_its_config_file(hub):
    v = values(hub)["hub"]
    assert v["extraVolumes"] == [{"name": "e2x-portal-hub", "configMap": {"name": "e2x-portal-hub"}}]
    mounts = {m["mountPath"]: m for m in v["extraVolumeMounts"]}
    assert mounts[h.DEFAULT_DIR] == {"name": "e2x-portal-hub", "mountPath": h.DEFAULT_DIR, "readOnly": True}
    cfg = "/usr/local/etc/jupyterhub/jupyterhub_config.d/e2x_portal_config.py"
    assert mounts[cfg]["subPath"] == "e2x_portal_config.py"
    assert v["extraEnv"]["E2X_PORTAL_DIR"] == h.DEFAULT_DIR
    # the ConfigMap holds the real files, and exactly one of them is a config file for the chart's loader
    data = hub_configmap(hub)
    for name in ["e2x_portal_config.py", "e2x_portal_hub.py", "e2x_portal_profiles.py", "e2x_portal_auth.py"]:
        assert data[name] == (PYTHON_DIR / name).read_text()
    # the one-time-password sign-in only where it signs people in
    assert ("e2x_portal_exam.py" in data) == (hub == "exam")
    if hub == "exam":
        assert data["e2x_portal_exam.py"] == (PYTHON_DIR / "e2x_portal_exam.py").read_text()


@pytest.mark.parametrize("hub", ["assignment", "grading"])
def test_ldap_settings_load_into_ldapauthenticator(hub):
    v = values(hub)
    # the bind password arrives through the environment from a Secret, never inline
    env = v["hub"]["extraEnv"]["E2X_LDAP_BIND_PASSWORD"]
    assert env == {"valueFrom": {"secretKeyRef": {"name": "e2x-ldap", "key": "bind-password", "optional": True}}}
    c = Config(v["hub"]["config"])
    h.apply_settings(c, settings(hub), env={"E2X_LDAP_BIND_PASSWORD": "from-the-secret"})
    assert c.JupyterHub.authenticator_class == "ldapauthenticator.LDAPAuthenticator"
    auth = LDAPAuthenticator(config=c)
    assert auth.server_address == "ldap.example.edu"
    assert auth.server_port == 636
    assert auth.tls_strategy == TlsStrategy.on_connect
    assert auth.lookup_dn is True
    assert auth.lookup_dn_search_user == "cn=jupyterhub,ou=services,dc=example,dc=edu"
    assert auth.lookup_dn_search_password == "from-the-secret"
    assert auth.user_search_base == "ou=people,dc=example,dc=edu"
    assert auth.lookup_dn_search_filter.format(login_attr=auth.user_attribute, login="alice") == (
        "(&(objectClass=posixAccount)(uid=alice))"
    )


def test_exam_hub_stays_closed_and_locked_down():
    v = values("exam")
    # the chart's own singleuser policy would let pods reach the proxy: the portal's is the only one
    assert v["singleuser"]["networkPolicy"] == {"enabled": False}
    assert v["hub"]["config"]["JupyterHub"]["authenticator_class"] == "e2x_portal_auth.FailClosedAuthenticator"
    s = settings("exam")
    assert "LDAPAuthenticator" not in s["config"]
    # one-time passwords from the portal's Secret, refusing everyone while no exam is open
    assert s["config"]["JupyterHub"]["authenticator_class"] == "e2x_portal_exam.ExamPasswordAuthenticator"
    assert s["config"]["ExamPasswordAuthenticator"]["secret_name"] == "e2x-exam-passwords"
    assert s["examRooms"] == ["192.0.2.0/24", "198.51.100.0/25"]


def chart_culler(timeout=3600):
    """c.JupyterHub.services as the chart's jupyterhub_config.py builds it with cull.enabled."""
    c = Config()
    c.JupyterHub.services = [
        {
            "name": "jupyterhub-idle-culler",
            "command": ["python3", "-m", "jupyterhub_idle_culler", "--url=http://localhost:8081/hub/api", f"--timeout={timeout}", "--cull-every=600"],
        }
    ]
    return c


def test_culling_spawn_limit_and_environment_come_from_the_pushed_settings():
    c = chart_culler()
    c.KubeSpawner.environment = {"FROM_THE_CHART": "1"}
    s = dict(settings("assignment"), cullTimeoutSeconds=900)
    h.apply_settings(c, s, env={})
    (culler,) = c.JupyterHub.services
    assert [a for a in culler["command"] if a.startswith("--timeout")] == ["--timeout=900"]
    assert "--cull-every=600" in culler["command"]
    assert c.JupyterHub.concurrent_spawn_limit == 100
    assert c.KubeSpawner.environment == {
        "FROM_THE_CHART": "1",
        "E2X_HUB": "assignment",
        "E2X_COURSE_IDS": "mathe1-SS25,mathe1-WS25,prog-WS25",
    }


def test_a_hub_without_its_settings_does_not_start(tmp_path):
    with pytest.raises(FileNotFoundError):
        h.load_settings(str(tmp_path))
    (tmp_path / "e2x-portal-settings.json").write_text("[]")
    with pytest.raises(ValueError):
        h.load_settings(str(tmp_path))
