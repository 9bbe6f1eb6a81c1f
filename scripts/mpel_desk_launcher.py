"""Entry script of the frozen MPEL Desk (build_installer.spec): the desk, with absolute imports.

PyInstaller runs its entry script as ``__main__`` outside any package, so
``mpel_app/__main__.py`` (relative imports) cannot be the entry itself.  A
windowed build has no console: standard output and error are None there, so
they are pointed at a file in the user's data folder before anything can
write to them (the desk's own log, ``mpel-desk.log``, is beside it).
"""
import sys


def _console_for_windowed_build() -> None:
    if sys.stdout is not None and sys.stderr is not None:
        return
    from mpel_app import paths

    stream = open(paths.user_data() / "mpel-desk-console.log", "a", encoding="utf-8", buffering=1)  # noqa: SIM115
    sys.stdout = sys.stdout or stream
    sys.stderr = sys.stderr or stream


if __name__ == "__main__":
    _console_for_windowed_build()
    from mpel_app.__main__ import main

    sys.exit(main())
