"""JupyterHub config file (jupyterhub_config.d): per-user profiles from the E2x Hub Portal.

Z2JH executes every ``*.py`` in /usr/local/etc/jupyterhub/jupyterhub_config.d with ``c`` in
scope; ``e2x_portal_profiles.py`` is mounted beside this file.
"""

import os
import sys

_here = os.path.dirname(os.path.abspath(globals().get("__file__", "e2x_portal_config.py")))
if _here not in sys.path:
    sys.path.insert(0, _here)

import e2x_portal_profiles  # noqa: E402

c = get_config()  # noqa: F821 -- provided by traitlets' config loader
e2x_portal_profiles.configure(c)
