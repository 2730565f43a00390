"""JupyterHub config for tests/integration/jupyterhub-*.test.ts: a real JupyterHub with the real
KubeSpawner, the real configurable-http-proxy (the npm package, launched and stopped by the hub
as JupyterHub's default ConfigurableHTTPProxy does) and the portal's real config file, against a
test kube-apiserver.

The test passes free loopback ports and the proxy's auth token (CONFIGPROXY_AUTH_TOKEN) in the
environment.
"""

import os

c = get_config()  # noqa: F821

here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.abspath(os.path.join(here, "..", "..", "..", ".."))
state = os.environ["E2X_TEST_STATE_DIR"]

# the proxy: public port (c.JupyterHub.ip/port) and REST API on loopback only
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(os.environ["E2X_TEST_PUBLIC_PORT"])
c.ConfigurableHTTPProxy.command = [os.path.join(repo, "node_modules", ".bin", "configurable-http-proxy")]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{int(os.environ['E2X_TEST_PROXY_API_PORT'])}"
c.ConfigurableHTTPProxy.pid_file = f"{state}/jupyterhub-proxy.pid"
if not os.environ.get("CONFIGPROXY_AUTH_TOKEN"):
    raise RuntimeError("CONFIGPROXY_AUTH_TOKEN must be set: the test reads the proxy's routes with it")

c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ["E2X_TEST_HUB_PORT"])
c.JupyterHub.db_url = f"sqlite:///{state}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = f"{state}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = f"{state}/jupyterhub.pid"
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "kubespawner.KubeSpawner"
c.JupyterHub.tornado_settings = {"slow_spawn_timeout": 2}
c.JupyterHub.services = [{"name": "e2x-test", "api_token": os.environ["E2X_TEST_API_TOKEN"]}]
c.JupyterHub.load_roles = [
    {"name": "e2x-test", "scopes": ["admin:users", "admin:servers"], "services": ["e2x-test"]},
]
c.KubeSpawner.namespace = os.environ["E2X_PORTAL_NAMESPACE"]
# no kubelet runs: pods stay pending, keep them long enough to inspect
c.KubeSpawner.start_timeout = 600
c.KubeSpawner.http_timeout = 600

# the file Z2JH mounts into jupyterhub_config.d
load_subconfig(os.path.join(os.path.dirname(here), "e2x_portal_config.py"))  # noqa: F821
