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

Wrong passwords are throttled per browser session and per client address (:class:`Throttle`): after a couple of
free mistakes each attempt has to wait a growing delay, and after a handful the key is locked out for a while; a
right password clears both. Each failure is logged (time, address, session; never the password).
"""

from __future__ import annotations

import getpass
import hmac
import logging
import math
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import streamlit as st

from app.core.i18n import t
from app.core.markup import code, escape

PASSWORD_ENV = "COVERAGE_ATLAS_EDITOR_PASSWORD"
SESSION_KEY = "atlas_editor"  # the signed-in editor's name in password mode
Mode = Literal["oidc", "password", "open"]
log = logging.getLogger(__name__)


@dataclass
class Throttle:
    """Failed sign-ins per key (``session:…``, ``address:…``), without Streamlit and with an injectable clock.

    The first ``free`` failures of a key cost nothing; each further one makes the key wait ``base_delay`` seconds,
    doubling (2, 4 …); at ``lock_after`` failures the key is locked for ``lock_seconds``. An attempt is allowed
    when every one of its keys is (:meth:`wait`). A success clears the keys; a key with no failure for
    ``forget_after`` seconds is forgotten."""

    free: int = 2
    base_delay: float = 2.0
    lock_after: int = 5
    lock_seconds: float = 15 * 60
    forget_after: float = 60 * 60
    clock: Callable[[], float] = time.monotonic
    _keys: dict[str, tuple[int, float, float]] = field(default_factory=dict)  # key -> failures, last, not before
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _current(self, key: str, now: float) -> tuple[int, float, float]:
        entry = self._keys.get(key)
        if entry is not None and now - entry[1] > self.forget_after and now >= entry[2]:
            del self._keys[key]
            return (0, now, now)
        return entry or (0, now, now)

    def failures(self, key: str) -> int:
        with self._lock:
            return self._current(key, self.clock())[0]

    def wait(self, *keys: str) -> float:
        """Seconds until an attempt with these keys is allowed (0: now)."""
        with self._lock:
            now = self.clock()
            return max((self._current(k, now)[2] - now for k in keys), default=0.0) if keys else 0.0

    def failure(self, *keys: str) -> float:
        """Record a wrong password for every key; the wait it imposes (the longest over the keys)."""
        with self._lock:
            now = self.clock()
            longest = 0.0
            for key in keys:
                n = self._current(key, now)[0] + 1
                if n >= self.lock_after:
                    delay = self.lock_seconds
                elif n > self.free:
                    delay = self.base_delay * 2 ** (n - self.free - 1)
                else:
                    delay = 0.0
                self._keys[key] = (n, now, now + delay)
                longest = max(longest, delay)
            if len(self._keys) > 10_000:  # forget the stale keys of a long-running server
                for key in [k for k, (_, last, until) in self._keys.items() if now - last > self.forget_after]:
                    del self._keys[key]
            return longest

    def locked(self, *keys: str) -> bool:
        with self._lock:
            now = self.clock()
            return any(self._current(k, now)[0] >= self.lock_after and self._current(k, now)[2] > now for k in keys)

    def success(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._keys.pop(key, None)


THROTTLE = Throttle()  # one per server process: sessions of one address share their count


def _secrets() -> Mapping[str, Any]:
    """st.secrets as a plain mapping; {} when there is no secrets.toml (reading it then raises)."""
    try:
        return {k: st.secrets[k] for k in st.secrets}
    except Exception:  # no secrets file, or an unreadable one: nothing configured
        return {}


def editor_password() -> str | None:
    """The configured editor password (environment first, then secrets.toml), or None."""
    value = os.environ.get(PASSWORD_ENV) or _secrets().get(PASSWORD_ENV)
    return str(value) if value and str(value).strip() else None  # spaces are no password (see _blank_password)


def _blank_password() -> bool:
    """The password is set, but to nothing ("" or spaces): a deployment meant to protect the store."""
    values = [os.environ.get(PASSWORD_ENV), _secrets().get(PASSWORD_ENV)]
    given = [str(v) for v in values if v is not None]
    return bool(given) and not any(v.strip() for v in given)


def auth_mode() -> Mode:
    if "auth" in _secrets():
        return "oidc"
    # A password set to nothing fails closed: nobody signs in (and the page says why), rather than everyone edits.
    if editor_password() is not None or _blank_password():
        return "password"
    return "open"


def settings_problems() -> list[tuple[str, dict[str, str]]]:
    """What is wrong with the sign-in settings, as (i18n key without "auth_", its arguments)."""
    out: list[tuple[str, dict[str, str]]] = []
    secrets = _secrets()
    if _blank_password():
        out.append(("blank_password", {"var": PASSWORD_ENV}))
    editors = secrets.get("editors")
    if editors is not None:
        if isinstance(editors, str) or not all(isinstance(e, str) and e.strip() for e in editors):
            out.append(("bad_editors", {}))
        elif "auth" not in secrets:
            out.append(("editors_unused", {}))
    return out


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


def _t(key: str, lang: str, **kwargs: Any) -> str:
    return t(f"auth_{key}", lang, **kwargs)  # the strings are in app/i18n.py, under "auth_"


def auth_panel(lang: str = "zh") -> bool:
    """Sign-in / sign-out controls for the upload page; returns :func:`can_edit` afterwards."""
    for key, args in settings_problems():
        st.warning(_t(key, lang, **{k: code(v) for k, v in args.items()}))
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
            _sign_in(name, password, lang)
    return False


def _client_address() -> str | None:
    """The browser's address as the server sees it (a proxy's, behind one), or None (no browser: AppTest)."""
    try:
        return st.context.ip_address
    except Exception:  # outside a session
        return None


def _session_id() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "none"


def _sign_in(name: str, password: str, lang: str) -> None:
    """Check a sign-in attempt, unless this session or address must wait first (the password is then not even
    compared, and the attempt does not count)."""
    address, session = _client_address(), _session_id()
    keys = (f"session:{session}", *((f"address:{address}",) if address else ()))
    wait = THROTTLE.wait(*keys)
    if wait > 0:
        if THROTTLE.locked(*keys):
            st.error(_t("locked", lang, minutes=math.ceil(wait / 60)))
        else:
            st.error(_t("wait", lang, seconds=math.ceil(wait)))
        log.warning(
            "editor sign-in refused while throttled: time=%s address=%s session=%s wait=%.0fs",
            datetime.now(UTC).isoformat(timespec="seconds"),
            address or "unknown",
            session,
            wait,
        )
        return
    if not name.strip():
        st.error(_t("need_name", lang))
        return
    if check_password(password):
        THROTTLE.success(*keys)
        st.session_state[SESSION_KEY] = name.strip()
        st.rerun()
    delay = THROTTLE.failure(*keys)
    log.warning(
        "editor sign-in failed: time=%s address=%s session=%s name=%r failures=%d next attempt in %.0fs",
        datetime.now(UTC).isoformat(timespec="seconds"),
        address or "unknown",
        session,
        name.strip()[:80],
        max(THROTTLE.failures(k) for k in keys),
        delay,
    )
    then = ""
    if THROTTLE.locked(*keys):
        then = _t("locked", lang, minutes=math.ceil(delay / 60))
    elif delay > 0:
        then = _t("wait", lang, seconds=math.ceil(delay))
    st.error(_t("wrong", lang) + ("" if lang == "zh" or not then else " ") + then)
