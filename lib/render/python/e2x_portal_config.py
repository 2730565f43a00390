"""JupyterHub config file of the E2x Hub Portal, run by the Z2JH chart's own jupyterhub_config.py.

The chart exec()s this file from /usr/local/etc/jupyterhub/jupyterhub_config.d in its own globals:
``c`` is the hub's config and ``__file__`` names jupyterhub_config.py. It comes from the portal's
ConfigMap ``e2x-portal-hub``, mounted by the chart's values (``hub.extraVolumes`` /
``hub.extraVolumeMounts``) whole at ``E2X_PORTAL_DIR`` and this one key into
``jupyterhub_config.d``. The portal's modules and its pushed settings are read from that directory.
"""

import os as _e2x_os
import sys as _e2x_sys

_e2x_dir = _e2x_os.environ.get("E2X_PORTAL_DIR") or "/usr/local/etc/jupyterhub/e2x-portal"
if _e2x_dir not in _e2x_sys.path:
    _e2x_sys.path.insert(0, _e2x_dir)

import e2x_portal_auth  # noqa: E402
import e2x_portal_hub  # noqa: E402
import e2x_portal_profiles  # noqa: E402

_e2x_settings = e2x_portal_hub.load_settings(_e2x_dir)
e2x_portal_hub.apply_settings(c, _e2x_settings)  # noqa: F821 -- c, in scope
_e2x_store = e2x_portal_profiles.configure(c, _e2x_settings)  # noqa: F821
e2x_portal_auth.configure(c, _e2x_settings, _e2x_store)  # noqa: F821
