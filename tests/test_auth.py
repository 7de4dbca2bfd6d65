"""app/ui/auth.py: who may change the store (open, password, OIDC modes), driven through AppTest."""

import hmac
import logging

import pytest
from streamlit.testing.v1 import AppTest

from app.ui import auth


def _page():
    import streamlit as st

    from app.ui.auth import auth_mode, auth_panel, current_editor

    ok = auth_panel("en")
    st.write(f"mode={auth_mode()} can_edit={ok} editor={current_editor()}")


def _status(at):
    return [m.value for m in at.markdown if m.value.startswith("mode=")][-1]


def test_without_configuration_everyone_is_an_editor_and_the_page_says_so(monkeypatch):
    monkeypatch.delenv(auth.PASSWORD_ENV, raising=False)
    at = AppTest.from_function(_page).run()
    assert "mode=open can_edit=True editor=local" in _status(at)
    assert "anyone using this instance can upload" in at.info[0].value


def test_password_mode_is_read_only_until_an_editor_signs_in(monkeypatch):
    monkeypatch.setenv(auth.PASSWORD_ENV, "correct horse")
    at = AppTest.from_function(_page).run()
    assert _status(at) == "mode=password can_edit=False editor=None"
    assert "Read-only" in at.info[0].value
    at.text_input[0].input("Li Wei")
    at.text_input[1].input("wrong")
    at.button[0].click().run()
    assert at.error[0].value == "Wrong password." and _status(at).endswith("can_edit=False editor=None")
    at.text_input[1].input("correct horse")
    at.button[0].click().run()
    assert _status(at) == "mode=password can_edit=True editor=editor:Li Wei"
    at.button[0].click().run()  # sign out
    assert _status(at).endswith("can_edit=False editor=None")


def test_the_password_is_compared_in_constant_time(monkeypatch):
    calls = []
    real = hmac.compare_digest
    monkeypatch.setattr(auth.hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b))
    assert auth.check_password("pässword", "pässword") and not auth.check_password("x", "pässword")
    assert calls == [("pässword".encode(), "pässword".encode()), (b"x", "pässword".encode())]
    assert not auth.check_password("", "")  # no password configured: nobody signs in with one


@pytest.mark.parametrize("secrets, mode", [({"auth": {"redirect_uri": "x"}}, "oidc"), ({}, "open")])
def test_oidc_when_auth_is_in_secrets(monkeypatch, secrets, mode):
    monkeypatch.delenv(auth.PASSWORD_ENV, raising=False)
    monkeypatch.setattr(auth, "_secrets", lambda: secrets)
    assert auth.auth_mode() == mode


def test_password_from_secrets_toml(monkeypatch):
    monkeypatch.delenv(auth.PASSWORD_ENV, raising=False)
    monkeypatch.setattr(auth, "_secrets", lambda: {auth.PASSWORD_ENV: "from-secrets"})
    assert auth.auth_mode() == "password" and auth.check_password("from-secrets")


# --- throttling wrong passwords (issue 25 item 2) --------------------------------------------------------------------
class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_throttle_grows_the_delay_locks_out_and_forgets_on_success():
    clock = Clock()
    throttle = auth.Throttle(clock=clock)
    s, a = "session:1", "address:203.0.113.7"
    assert [throttle.failure(s, a) for _ in range(2)] == [0, 0]  # two free mistakes
    assert throttle.failure(s, a) == 2 and throttle.wait(s, a) == 2 and not throttle.locked(s, a)
    clock.now += 1.5
    assert throttle.wait(s, a) == 0.5 and throttle.wait("session:other") == 0
    clock.now += 0.5
    assert throttle.wait(s, a) == 0 and throttle.failure(s, a) == 4  # doubling
    clock.now += 4
    assert throttle.failure(s, a) == 15 * 60 and throttle.locked(s, a)  # the fifth: locked out
    clock.now += 15 * 60 - 1
    assert throttle.locked(a) and throttle.wait(a) == 1
    clock.now += 1
    assert throttle.wait(s, a) == 0 and throttle.failures(a) == 5
    throttle.success(s, a)
    assert throttle.failures(s) == throttle.failures(a) == 0 and throttle.failure(s, a) == 0


def test_a_keys_count_is_forgotten_after_an_hour_without_failures():
    clock = Clock()
    throttle = auth.Throttle(clock=clock)
    for _ in range(3):
        throttle.failure("address:x")
    clock.now += 3600 + 2
    assert throttle.failures("address:x") == 0 and throttle.failure("address:x") == 0


@pytest.fixture
def throttled(monkeypatch):
    """Password mode with a throttle on a clock the test moves (no sleeping), one client address."""
    monkeypatch.setenv(auth.PASSWORD_ENV, "correct horse")
    clock = Clock()
    monkeypatch.setattr(auth, "THROTTLE", auth.Throttle(clock=clock))
    monkeypatch.setattr(auth, "_client_address", lambda: "203.0.113.7")
    return clock


def _attempt(at, password, name="Li Wei"):
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    at.button[0].click().run()
    return [e.value for e in at.error]


def test_wrong_passwords_wait_then_lock_out_even_the_right_one_and_are_logged(throttled, caplog):
    caplog.set_level(logging.WARNING, logger="app.ui.auth")
    at = AppTest.from_function(_page).run()
    assert _attempt(at, "guess-1") == ["Wrong password."]
    assert _attempt(at, "guess-2") == ["Wrong password."]
    assert _attempt(at, "guess-3") == ["Wrong password. Wait 2 s before the next attempt."]
    # within the wait even the right password is not compared
    assert _attempt(at, "correct horse") == ["Wait 2 s before the next attempt."]
    assert _status(at).endswith("can_edit=False editor=None")
    throttled.now += 2
    assert _attempt(at, "guess-4") == ["Wrong password. Wait 4 s before the next attempt."]
    throttled.now += 4
    (error,) = _attempt(at, "guess-5")
    assert error == "Wrong password. Too many wrong passwords: signing in is paused; try again in 15 min."
    throttled.now += 60
    assert _attempt(at, "correct horse") == ["Too many wrong passwords: signing in is paused; try again in 14 min."]
    throttled.now += 14 * 60
    _attempt(at, "correct horse")
    assert _status(at) == "mode=password can_edit=True editor=editor:Li Wei"  # and the count starts again
    assert auth.THROTTLE.failures("address:203.0.113.7") == 0

    failed = [r.getMessage() for r in caplog.records if "sign-in failed" in r.getMessage()]
    assert len(failed) == 5
    assert all("address=203.0.113.7" in m and "session=" in m and "time=20" in m for m in failed)
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "guess" not in logged and "correct horse" not in logged  # never the password
    assert sum("refused while throttled" in r.getMessage() for r in caplog.records) == 2


def test_the_count_is_per_address_across_sessions(throttled, monkeypatch):
    session = {"id": "first"}
    address = {"ip": "203.0.113.7"}
    monkeypatch.setattr(auth, "_session_id", lambda: session["id"])
    monkeypatch.setattr(auth, "_client_address", lambda: address["ip"])
    first = AppTest.from_function(_page).run()
    for i in range(5):
        _attempt(first, f"guess-{i}")
        throttled.now += 60
    session["id"] = "second"  # a new session from the same address: locked out too
    second = AppTest.from_function(_page).run()
    assert _attempt(second, "correct horse") == ["Too many wrong passwords: signing in is paused; try again in 14 min."]
    assert _status(second).endswith("can_edit=False editor=None")
    session["id"], address["ip"] = "third", "198.51.100.1"  # another address and session: not
    third = AppTest.from_function(_page).run()
    _attempt(third, "correct horse")
    assert _status(third) == "mode=password can_edit=True editor=editor:Li Wei"


def test_chinese_page_says_it_in_chinese(throttled):
    def page():
        from app.ui.auth import auth_panel

        auth_panel("zh")

    at = AppTest.from_function(page).run()
    for i in range(4):
        errors = _attempt(at, f"guess-{i}")
        throttled.now += 10
    assert errors == ["密码不正确。请等待 4 秒后再试。"]
    assert _attempt(at, "guess-5") == ["密码不正确。密码错误次数过多，登录已暂停，请在 15 分钟后再试。"]


# --- settings read at start (issue 25 item 8) ------------------------------------------------------------------------
def test_a_password_set_to_nothing_fails_closed_and_says_so(monkeypatch):
    monkeypatch.setenv(auth.PASSWORD_ENV, "   ")
    at = AppTest.from_function(_page).run()
    assert _status(at) == "mode=password can_edit=False editor=None"  # not "everyone is an editor"
    (warning,) = at.warning
    assert "`COVERAGE_ATLAS_EDITOR_PASSWORD` is set but empty: nobody can sign in" in warning.value
    _attempt(at, "   ")
    _attempt(at, "")
    assert _status(at).endswith("can_edit=False editor=None")


@pytest.mark.parametrize(
    ("secrets", "key"),
    [
        ({"auth": {"redirect_uri": "x"}, "editors": "a@example.org"}, "bad_editors"),
        ({"auth": {"redirect_uri": "x"}, "editors": ["a@example.org", 3]}, "bad_editors"),
        ({"editors": ["a@example.org"]}, "editors_unused"),
        ({"auth": {"redirect_uri": "x"}, "editors": ["a@example.org"]}, None),
    ],
)
def test_the_editors_list_is_checked(monkeypatch, secrets, key):
    monkeypatch.delenv(auth.PASSWORD_ENV, raising=False)
    monkeypatch.setattr(auth, "_secrets", lambda: secrets)
    assert [k for k, _ in auth.settings_problems()] == ([key] if key else [])
    if key:
        zh, en = auth.t(f"auth_{key}", "zh"), auth.t(f"auth_{key}", "en")
        assert "editors" in zh and "editors" in en and zh != en
