"""JupyterHub config for tests/integration/jupyterhub-*.test.ts: a real JupyterHub with the real
KubeSpawner and the portal's real config file, against a test kube-apiserver.

Only the proxy is replaced: routes are kept in memory (no configurable-http-proxy), because
the tests look at the pods KubeSpawner asks the API server for, not at HTTP routing.
"""

import os

from jupyterhub.proxy import Proxy

c = get_config()  # noqa: F821


class InMemoryProxy(Proxy):
    should_start = False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._routes = {}

    async def add_route(self, routespec, target, data):
        self._routes[routespec] = {"routespec": routespec, "target": target, "data": data}

    async def delete_route(self, routespec):
        self._routes.pop(routespec, None)

    async def get_all_routes(self):
        return dict(self._routes)


state = os.environ["E2X_TEST_STATE_DIR"]
c.JupyterHub.proxy_class = InMemoryProxy
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(os.environ["E2X_TEST_PUBLIC_PORT"])
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
load_subconfig(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "e2x_portal_config.py"))  # noqa: F821
