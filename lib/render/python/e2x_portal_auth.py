"""Who may sign in to a hub of the E2x Hub Portal.

The portal's ConfigMap ``e2x-portal-hub`` brings this module to the hub (``E2X_PORTAL_DIR``, put on
``sys.path`` by ``jupyterhub_config.d/e2x_portal_config.py``, which calls ``configure``).

- ``FailClosedAuthenticator`` refuses every sign-in with a clear message. The exam hub runs it
  until the exam's one-time-password authenticator exists: an exam hub is never open.
- ``guard(base, ...)`` wraps whatever authenticator the hub is configured with
  (``hub.config.JupyterHub.authenticator_class``, e.g. LDAP, the fail-closed one, or later the
  exam's own) so that only rostered users and hub admins are allowed (read from the portal's
  profile data at sign-in, so a roster push needs no restart), and, on the exam hub, only sign-ins
  from the exam rooms' networks.

The client address: the hub is reached only through configurable-http-proxy (its NetworkPolicy),
which appends the address it was connected from to ``X-Forwarded-For``. Read right to left, each
entry from a trusted proxy (the load balancer's addresses) is skipped; the first other entry is
the client. ``X-Real-Ip`` is ignored (tornado would take it from anyone), and so is everything
left of the first untrusted entry, where a client may write whatever it likes.
"""

import ipaddress
import logging

from jupyterhub.auth import Authenticator
from tornado import web
from traitlets import Unicode

log = logging.getLogger("e2x_portal_auth")

NOT_READY_MESSAGE = (
    "Die Anmeldung an diesem Hub ist noch nicht freigeschaltet: für die Prüfung gibt es noch keine "
    "Zugangsdaten. Bitte wenden Sie sich an die Prüfungsaufsicht."
)
OUTSIDE_ROOMS_MESSAGE = "Die Anmeldung an diesem Hub ist nur aus den Prüfungsräumen möglich."
NOT_ROSTERED_MESSAGE = (
    "{user} ist in keinem Kurs dieses Hubs eingetragen. Bitte wenden Sie sich an die Lehrenden des Kurses."
)


class FailClosedAuthenticator(Authenticator):
    """Refuses every sign-in, whatever the name and password."""

    refusal_message = Unicode(NOT_READY_MESSAGE, help="What a refused user reads.").tag(config=True)

    async def authenticate(self, handler, data):
        self.log.warning("e2x-portal: sign-in of %r refused: this hub has no sign-in yet", (data or {}).get("username"))
        raise web.HTTPError(403, self.refusal_message)


def _networks(values):
    out = []
    for v in values or []:
        try:
            out.append(ipaddress.ip_network(str(v).strip(), strict=False))
        except ValueError:
            log.error("e2x-portal: ignoring %r: not an address or network", v)
    return out


def _address(text):
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _in(addr, networks):
    return addr is not None and any(addr.version == n.version and addr in n for n in networks)


def client_address(request, trusted):
    """The client's address as the proxy chain reports it (see the module docstring)."""
    chain = []
    for header in request.headers.get_list("X-Forwarded-For"):
        chain.extend(a.strip() for a in header.split(",") if a.strip())
    for entry in reversed(chain):
        addr = _address(entry)
        if not _in(addr, trusted):
            return addr
    # no untrusted hop reported: the direct peer (tornado keeps it before applying X-headers)
    context = getattr(request.connection, "context", None)
    return _address(getattr(context, "_orig_remote_ip", None) or request.remote_ip or "")


def guard(base, store, admins=(), rooms=None, trusted_proxies=()):
    """A subclass of the authenticator class ``base`` that allows only rostered users and admins,
    and, when ``rooms`` is given (the exam hub), only sign-ins from those networks: none at all
    when the list is empty."""
    admins = frozenset(admins)
    room_networks = None if rooms is None else _networks(rooms)
    trusted = _networks(trusted_proxies)

    class Guarded(base):
        async def get_authenticated_user(self, handler, data):
            if room_networks is not None and handler is not None:
                addr = client_address(handler.request, trusted)
                if not _in(addr, room_networks):
                    self.log.warning("e2x-portal: sign-in from %s refused: outside the exam rooms", addr)
                    raise web.HTTPError(403, OUTSIDE_ROOMS_MESSAGE)
            return await super().get_authenticated_user(handler, data)

        async def check_allowed(self, username, authentication=None):
            if username in admins:
                return True
            from e2x_portal_profiles import UNAVAILABLE_MESSAGE, ProfileDataUnavailable

            try:
                entries, _ = await store.entries_for(username)
            except ProfileDataUnavailable as e:
                self.log.error("e2x-portal: cannot check %s against the roster: %s", username, e)
                raise web.HTTPError(503, UNAVAILABLE_MESSAGE) from e
            if entries:
                return True
            self.log.warning("e2x-portal: %s is in no course of hub %s", username, store.hub)
            raise web.HTTPError(403, NOT_ROSTERED_MESSAGE.format(user=username))

    Guarded.__name__ = Guarded.__qualname__ = f"E2xPortal{base.__name__}"
    Guarded.__module__ = __name__
    return Guarded


def resolve_authenticator(value):
    """An authenticator class from ``JupyterHub.authenticator_class`` (a class, an import string,
    or a short name registered under the ``jupyterhub.authenticators`` entry points)."""
    if isinstance(value, type):
        return value
    if not isinstance(value, str) or not value:
        return FailClosedAuthenticator
    if "." not in value:
        from importlib.metadata import entry_points

        for ep in entry_points(group="jupyterhub.authenticators"):
            if ep.name == value:
                return ep.load()
        raise ValueError(f"unknown authenticator {value!r}")
    from traitlets.utils.importstring import import_item

    return import_item(value)


def configure(c, settings, store):
    """Guard the hub's configured authenticator; admins from ``settings['admins']``, exam rooms
    from ``settings['examRooms']``, trusted proxies from ``settings['trustedProxies']``."""
    configured = c.JupyterHub.get("authenticator_class") if "JupyterHub" in c else None
    base = resolve_authenticator(configured)
    admins = list(settings.get("admins") or [])
    c.Authenticator.admin_users = set(admins)
    c.Authenticator.allow_all = False
    c.Authenticator.allow_existing_users = False
    c.JupyterHub.authenticator_class = guard(
        base,
        store,
        admins=admins,
        rooms=settings.get("examRooms"),
        trusted_proxies=settings.get("trustedProxies") or (),
    )
    return c.JupyterHub.authenticator_class
