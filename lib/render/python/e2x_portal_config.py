"""JupyterHub config file of the E2x Hub Portal, run by the Z2JH chart's own jupyterhub_config.py.

The chart mounts this file into /usr/local/etc/jupyterhub/jupyterhub_config.d and exec()s it in
its own globals: ``c`` is the hub's config, ``get_config`` is ``z2jh.get_config(key, default)``
(the chart's values), and the modules it imports are mounted beside the chart's
jupyterhub_config.py in /usr/local/etc/jupyterhub, which the chart puts on ``sys.path``.
"""

import e2x_portal_auth
import e2x_portal_profiles

_e2x_settings = get_config("custom.e2xPortal", {}) or {}  # noqa: F821 -- z2jh.get_config, in scope
_e2x_store = e2x_portal_profiles.configure(c, _e2x_settings)  # noqa: F821 -- c, in scope
e2x_portal_auth.configure(c, _e2x_settings, _e2x_store)  # noqa: F821
