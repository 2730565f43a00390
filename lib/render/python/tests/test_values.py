"""The rendered Z2JH values, read the way the hub reads them."""

import os

import pytest
import yaml
from ldapauthenticator import LDAPAuthenticator
from ldapauthenticator.ldapauthenticator import TlsStrategy
from traitlets.config import Config

from conftest import GOLDEN_DIR, PYTHON_DIR


def values(hub):
    return yaml.safe_load((GOLDEN_DIR / f"values-{hub}.yaml").read_text())


@pytest.mark.parametrize("hub", ["assignment", "exam", "grading"])
def test_extra_files_are_the_real_python_files(hub):
    files = values(hub)["hub"]["extraFiles"]
    for key, mount in [
        ("e2x-portal-config", "jupyterhub_config.d/e2x_portal_config.py"),
        ("e2x-portal-profiles", "e2x_portal_profiles.py"),
        ("e2x-portal-auth", "e2x_portal_auth.py"),
    ]:
        assert files[key]["mountPath"] == f"/usr/local/etc/jupyterhub/{mount}"
        assert files[key]["stringData"] == (PYTHON_DIR / mount.split("/")[-1]).read_text()


@pytest.mark.parametrize("hub", ["assignment", "grading"])
def test_ldap_settings_load_into_ldapauthenticator(hub, monkeypatch):
    v = values(hub)
    c = Config(v["hub"]["config"])
    assert c.JupyterHub.authenticator_class == "ldapauthenticator.LDAPAuthenticator"
    # the bind password arrives through the environment from a Secret, never inline
    env = v["hub"]["extraEnv"]["E2X_LDAP_BIND_PASSWORD"]
    assert env == {"valueFrom": {"secretKeyRef": {"name": "e2x-ldap", "key": "bind-password"}}}
    monkeypatch.setenv("E2X_LDAP_BIND_PASSWORD", "from-the-secret")
    for snippet in v["hub"]["extraConfig"].values():
        exec(snippet, {"c": c})
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


def test_exam_values_lock_singleuser_pods_down():
    v = values("exam")
    # the chart's own singleuser policy would let pods reach the proxy: the portal's is the only one
    assert v["singleuser"]["networkPolicy"] == {"enabled": False}
    assert "LDAPAuthenticator" not in v["hub"]["config"]
    # one-time passwords from the portal's Secret, refusing everyone while no exam is open
    assert v["hub"]["config"]["JupyterHub"]["authenticator_class"] == "e2x_portal_exam.ExamPasswordAuthenticator"
    assert v["hub"]["config"]["ExamPasswordAuthenticator"]["secret_name"] == "e2x-exam-passwords"
    assert v["cull"]["timeout"] == 7200
    assert v["custom"]["e2xPortal"]["examRooms"] == ["192.0.2.0/24", "198.51.100.0/25"]
