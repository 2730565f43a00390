"""Who may sign in: the fail-closed authenticator, the roster and admin guard, the exam rooms."""

import pytest
from jupyterhub.auth import Authenticator
from tornado.httputil import HTTPHeaders
from tornado.web import HTTPError

import e2x_portal_auth as a
import e2x_portal_profiles as p


class Request:
    def __init__(self, peer, xff=None, real_ip=None):
        self.headers = HTTPHeaders()
        if xff is not None:
            self.headers.add("X-Forwarded-For", xff)
        if real_ip is not None:
            self.headers.add("X-Real-Ip", real_ip)
        self.remote_ip = real_ip or peer

        class Context:
            _orig_remote_ip = peer

        class Connection:
            context = Context()

        self.connection = Connection()


class Handler:
    def __init__(self, request):
        self.request = request


TRUSTED = a._networks(["192.0.2.10"])


@pytest.mark.parametrize(
    "xff, real_ip, expected",
    [
        # through the load balancer: CHP appended the load balancer's address
        ("198.51.100.7, 192.0.2.10", None, "198.51.100.7"),
        # a client's own forged entry left of what the load balancer wrote is not believed
        ("10.9.9.9, 198.51.100.7, 192.0.2.10", None, "198.51.100.7"),
        # straight to the proxy with a forged header: CHP appended the real peer
        ("198.51.100.7, 203.0.113.99", None, "203.0.113.99"),
        # X-Real-Ip is ignored
        ("203.0.113.99", "198.51.100.7", "203.0.113.99"),
        # no header at all: the direct peer
        (None, None, "203.0.113.5"),
    ],
)
def test_client_address_reads_the_chain_from_the_right(xff, real_ip, expected):
    assert str(a.client_address(Request("203.0.113.5", xff, real_ip), TRUSTED)) == expected


async def test_fail_closed_refuses_everyone_with_a_message():
    auth = a.FailClosedAuthenticator()
    for name, pw in [("stud1", "x"), ("admin", "admin"), ("", "")]:
        with pytest.raises(HTTPError) as e:
            await auth.authenticate(None, {"username": name, "password": pw})
        assert e.value.status_code == 403
        assert "noch nicht freigeschaltet" in e.value.log_message


class Roster:
    hub = "assignment"

    def __init__(self, users, broken=False):
        self.users = users
        self.broken = broken

    async def entries_for(self, username):
        if self.broken:
            raise p.ProfileDataUnavailable("down")
        return ([{"key": "k"}] if username in self.users else []), False


class Accepting(Authenticator):
    async def authenticate(self, handler, data):
        return data["username"]


async def test_only_rostered_users_and_admins_are_allowed():
    Guarded = a.guard(Accepting, Roster({"stud1"}), admins=["root"])
    auth = Guarded()
    assert (await auth.get_authenticated_user(None, {"username": "stud1", "password": "x"}))["name"] == "stud1"
    assert (await auth.get_authenticated_user(None, {"username": "root", "password": "x"}))["name"] == "root"
    with pytest.raises(HTTPError) as e:
        await auth.get_authenticated_user(None, {"username": "mallory", "password": "x"})
    assert e.value.status_code == 403 and "mallory ist in keinem Kurs" in e.value.log_message
    with pytest.raises(HTTPError) as e:
        await a.guard(Accepting, Roster({"stud1"}, broken=True))().get_authenticated_user(None, {"username": "stud1", "password": "x"})
    assert e.value.status_code == 503


async def test_exam_rooms_are_checked_before_the_password():
    Guarded = a.guard(Accepting, Roster({"stud1"}), rooms=["198.51.100.0/24"], trusted_proxies=["192.0.2.10"])
    auth = Guarded()
    inside = Handler(Request("10.0.0.1", "198.51.100.7, 192.0.2.10"))
    assert (await auth.get_authenticated_user(inside, {"username": "stud1", "password": "x"}))["name"] == "stud1"
    forged = Handler(Request("10.0.0.1", "198.51.100.7, 203.0.113.99", real_ip="198.51.100.7"))
    with pytest.raises(HTTPError) as e:
        await auth.get_authenticated_user(forged, {"username": "stud1", "password": "x"})
    assert e.value.status_code == 403 and "Prüfungsräumen" in e.value.log_message


def test_resolve_authenticator_names():
    from ldapauthenticator import LDAPAuthenticator

    assert a.resolve_authenticator("ldapauthenticator.LDAPAuthenticator") is LDAPAuthenticator
    assert a.resolve_authenticator("e2x_portal_auth.FailClosedAuthenticator") is a.FailClosedAuthenticator
    # unset: never the chart's open default
    assert a.resolve_authenticator(None) is a.FailClosedAuthenticator
    from jupyterhub.auth import DummyAuthenticator

    assert a.resolve_authenticator("dummy") is DummyAuthenticator
