"""Who may change the store of user layers (upload, replace, rename, delete).

Three modes, chosen by the deployment:
  * ``oidc``     — ``[auth]`` is in ``.streamlit/secrets.toml``: Streamlit's built-in ``st.login`` (OpenID
                   Connect). Every signed-in user is an editor, or only those listed in
                   ``editors = ["a@example.org", …]`` at the top of secrets.toml (matched on e-mail).
  * ``password`` — an editor password in env ``COVERAGE_ATLAS_EDITOR_PASSWORD`` or as
                   ``COVERAGE_ATLAS_EDITOR_PASSWORD = "…"`` in secrets.toml, compared in constant time
                   (``hmac.compare_digest``); the editor gives a name, recorded in the audit log.
  * ``open``     — nothing configured (one planner on a laptop): everyone is an editor, and the page says so.

Everyone else sees the saved layers read-only. The UI asks :func:`can_edit` and passes
:func:`current_editor` to the store, which records it with every change.
"""

from __future__ import annotations

import getpass
import hmac
import os
from collections.abc import Mapping
from typing import Any, Literal

import streamlit as st

from app.core.i18n import t
from app.core.markup import escape

PASSWORD_ENV = "COVERAGE_ATLAS_EDITOR_PASSWORD"
SESSION_KEY = "atlas_editor"  # the signed-in editor's name in password mode
Mode = Literal["oidc", "password", "open"]


def _secrets() -> Mapping[str, Any]:
    """st.secrets as a plain mapping; {} when there is no secrets.toml (reading it then raises)."""
    try:
        return {k: st.secrets[k] for k in st.secrets}
    except Exception:  # no secrets file, or an unreadable one: nothing configured
        return {}


def editor_password() -> str | None:
    """The configured editor password (environment first, then secrets.toml), or None."""
    value = os.environ.get(PASSWORD_ENV) or _secrets().get(PASSWORD_ENV)
    return str(value) if value else None


def auth_mode() -> Mode:
    if "auth" in _secrets():
        return "oidc"
    if editor_password() is not None:
        return "password"
    return "open"


def check_password(given: str, expected: str | None = None) -> bool:
    """Constant-time comparison of ``given`` with the editor password (False when none is configured)."""
    expected = editor_password() if expected is None else expected
    if not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _oidc_identity() -> str | None:
    user = st.user
    if not user.get("is_logged_in"):
        return None
    return str(user.get("email") or user.get("name") or user.get("sub") or "signed-in user")


def current_editor() -> str | None:
    """The name recorded for changes made in this session, or None when this session may not edit."""
    mode = auth_mode()
    if mode == "open":
        try:
            return f"local:{getpass.getuser()}"
        except (KeyError, OSError):  # no user name in a container
            return "local"
    if mode == "password":
        name = st.session_state.get(SESSION_KEY)
        return f"editor:{name}" if name else None
    identity = _oidc_identity()
    if identity is None:
        return None
    allowed = _secrets().get("editors")
    if allowed and identity.lower() not in {str(a).lower() for a in allowed}:
        return None
    return identity


def can_edit() -> bool:
    return current_editor() is not None


def _t(key: str, lang: str) -> str:
    return t(f"auth_{key}", lang)  # the strings are in app/i18n.py, under "auth_"


def auth_panel(lang: str = "zh") -> bool:
    """Sign-in / sign-out controls for the upload page; returns :func:`can_edit` afterwards."""
    mode = auth_mode()
    if mode == "open":
        st.info(_t("open", lang))
        return True
    editor = current_editor()
    if editor is not None:
        st.caption(_t("signed_in", lang) + escape(editor))
        if st.button(_t("sign_out", lang), key="atlas_sign_out"):
            if mode == "password":
                st.session_state.pop(SESSION_KEY, None)
                st.rerun()
            else:
                st.logout()
        return True
    st.info(_t("read_only", lang))
    if mode == "oidc":
        if st.button(_t("sign_in", lang), key="atlas_sign_in"):
            st.login()
        return False
    with st.form("atlas_editor_sign_in"):
        name = st.text_input(_t("name", lang), max_chars=80)
        password = st.text_input(_t("password", lang), type="password")
        if st.form_submit_button(_t("sign_in", lang)):
            if not name.strip():
                st.error(_t("need_name", lang))
            elif check_password(password):
                st.session_state[SESSION_KEY] = name.strip()
                st.rerun()
            else:
                st.error(_t("wrong", lang))
    return False
