"""The hub settings the portal pushes, applied to a JupyterHub config object.

The portal owns one ConfigMap per hub namespace (``e2x-portal-hub``). The chart's values mount it
whole at ``/usr/local/etc/jupyterhub/e2x-portal`` (``E2X_PORTAL_DIR``) and its config file by
subPath into ``jupyterhub_config.d``, where the chart's ``jupyterhub_config.py`` exec()s it after
its own settings. Both mounts come from the same volume, so a hub always starts with one
consistent version of the files; kubelet refreshes the whole mount only after a delay and a
running hub never re-reads them, which is why the portal restarts the hub after a change.

``e2x-portal-settings.json`` holds:

- ``config``: traitlets sections (``JupyterHub``, ``Authenticator``, ``KubeSpawner``,
  ``LDAPAuthenticator``), merged into ``c`` like the chart's ``hub.config``;
- ``spawnerEnvironment``: merged into ``c.KubeSpawner.environment``;
- ``ldapPasswordEnv``: the environment variable with the LDAP bind password (from a Secret the
  chart's values reference);
- ``cullTimeoutSeconds``: the idle culler's ``--timeout``;
- the rest (``hub``, ``admins``, ``trustedProxies``, ``examRooms``, cache times) for
  ``e2x_portal_profiles.configure`` and ``e2x_portal_auth.configure``.
"""

import json
import os

DEFAULT_DIR = "/usr/local/etc/jupyterhub/e2x-portal"
SETTINGS_FILE = "e2x-portal-settings.json"
CULLER = "jupyterhub-idle-culler"


def portal_dir(env=None):
    env = os.environ if env is None else env
    return env.get("E2X_PORTAL_DIR") or DEFAULT_DIR


def load_settings(directory):
    """The pushed settings; a hub without them does not start (fails closed)."""
    path = os.path.join(directory, SETTINGS_FILE)
    with open(path, encoding="utf-8") as f:
        settings = json.load(f)
    if not isinstance(settings, dict):
        raise ValueError(f"{path}: not a JSON object")
    return settings


def _with_arg(command, flag, value):
    out = [a for a in command if not str(a).startswith(f"{flag}=")]
    out.append(f"{flag}={value}")
    return out


def apply_settings(c, settings, env=None):
    """Merges the pushed settings into ``c`` (after the chart's own, before the portal's modules)."""
    env = os.environ if env is None else env
    for section, cfg in (settings.get("config") or {}).items():
        c[section].update(cfg)
    spawner_env = settings.get("spawnerEnvironment")
    if spawner_env:
        merged = dict(c.KubeSpawner.get("environment") or {}) if "KubeSpawner" in c else {}
        merged.update(spawner_env)
        c.KubeSpawner.environment = merged
    password_env = settings.get("ldapPasswordEnv")
    if password_env:
        c.LDAPAuthenticator.lookup_dn_search_password = env.get(password_env, "")
    timeout = settings.get("cullTimeoutSeconds")
    if timeout and "JupyterHub" in c and "services" in c.JupyterHub:
        for service in c.JupyterHub.services:
            if service.get("name") == CULLER:
                service["command"] = _with_arg(service["command"], "--timeout", int(timeout))
    return c
