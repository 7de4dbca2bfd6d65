"""app/auth.py: who may change the store (open, password, OIDC modes), driven through AppTest."""

import hmac

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
