"""The SMTP password lives in the OS keyring; without one it is asked for and kept in memory only."""
from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import KeyringLocked, PasswordDeleteError

from mpel_app import paths
from mpel_app.notify import credentials

USER = "mpel-desk"
SECRET = "Tr0ub4dor&3-not-in-any-file"


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in a dict: stands in for Credential Manager / Keychain / Secret Service."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        if self.store.pop((service, username), None) is None:
            raise PasswordDeleteError("not stored")


class LockedKeyring(MemoryKeyring):
    def get_password(self, service, username):
        raise KeyringLocked("the keyring is locked")

    def set_password(self, service, username, password):
        raise KeyringLocked("the keyring is locked")


@pytest.fixture
def use_keyring():
    """Swap the process-wide keyring backend for the test, and restore it afterwards."""
    before = keyring.get_keyring()
    credentials.forget_session()

    def use(backend: KeyringBackend) -> KeyringBackend:
        keyring.set_keyring(backend)
        return backend

    yield use
    keyring.set_keyring(before)
    credentials.forget_session()


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the user data directory (and home) into tmp_path so we can search it afterwards."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path


def files_containing(root: Path, secret: str) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


class Prompt:
    def __init__(self, answer: str | None):
        self.answer = answer
        self.calls = 0

    def __call__(self) -> str | None:
        self.calls += 1
        return self.answer


def test_without_a_keyring_the_prompt_is_used_once_per_session(use_keyring, data_home):
    use_keyring(fail.Keyring())
    assert str(paths.user_data()).startswith(str(data_home))
    prompt = Prompt(SECRET)
    assert credentials.get_password(USER, prompt) == SECRET
    assert credentials.get_password(USER, prompt) == SECRET
    assert credentials.get_password(USER, None) == SECRET  # the background sender never prompts
    assert prompt.calls == 1
    assert files_containing(data_home, SECRET) == []
    assert files_containing(paths.user_data(), SECRET) == []


def test_without_a_keyring_a_new_session_asks_again(use_keyring):
    use_keyring(fail.Keyring())
    assert credentials.set_password(USER, SECRET) is False  # memory only
    credentials.forget_session()  # the process ended
    assert credentials.get_password(USER, None) is None
    assert credentials.get_password(USER, Prompt(None)) is None  # cancelled


def test_locked_keyring_falls_back_to_the_prompt(use_keyring, data_home):
    use_keyring(LockedKeyring())
    assert credentials.get_password(USER, Prompt(SECRET)) == SECRET
    assert files_containing(data_home, SECRET) == []


def test_with_a_keyring_the_password_is_stored_there_and_read_back(use_keyring, data_home):
    backend = use_keyring(MemoryKeyring())
    assert credentials.set_password(USER, SECRET) is True
    assert backend.store == {(credentials.SERVICE_NAME, USER): SECRET}
    credentials.forget_session()
    prompt = Prompt("should not be asked")
    assert credentials.get_password(USER, prompt) == SECRET and prompt.calls == 0
    assert files_containing(data_home, SECRET) == []


def test_a_prompted_answer_goes_to_the_keyring_for_next_time(use_keyring):
    backend = use_keyring(MemoryKeyring())
    assert credentials.get_password(USER, Prompt(SECRET)) == SECRET
    assert backend.store[(credentials.SERVICE_NAME, USER)] == SECRET


def test_forget_password_removes_it_everywhere(use_keyring):
    backend = use_keyring(MemoryKeyring())
    credentials.set_password(USER, SECRET)
    credentials.forget_password(USER)
    credentials.forget_password(USER)  # twice is fine
    assert backend.store == {} and credentials.get_password(USER) is None
    use_keyring(fail.Keyring())
    credentials.set_password(USER, SECRET)
    credentials.forget_password(USER)
    assert credentials.get_password(USER) is None
