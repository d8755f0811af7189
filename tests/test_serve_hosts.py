"""``zhengce serve --allowed-host HOST`` (repeatable) feeds the Host check of search_api/guard.py
(issue 15): bound beyond loopback, the named hosts and the bound address are accepted, any other
Host is refused with 400; without the option ZHENGCE_ALLOWED_HOSTS is read as before."""
from __future__ import annotations

import warnings

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
uvicorn = pytest.importorskip("uvicorn")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient  # noqa: E402


@pytest.fixture
def serve(tmp_path, monkeypatch):
    """Run ``zhengce serve ARGS`` up to uvicorn.run, which hands back the app and where it binds."""
    from zhengce.cli import main
    from zhengce.pipeline.store import open_store
    db = tmp_path / "e.db"
    open_store(str(db)).close()
    got = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, host, port, **kw: got.update(app=app, host=host, port=port))

    def run(*args: str, env: str | None = None):
        monkeypatch.setenv("ZHENGCE_ALLOWED_HOSTS", env or "")
        assert main(["serve", "--db", str(db), *args]) == 0
        return got
    return run


def status(app, host: str, bound: str = "10.1.2.3") -> int:
    """The status of /api/v1/health asked with this Host on a connection that arrived at ``bound``."""
    return TestClient(app, base_url=f"http://{bound}").get("/api/v1/health", headers={"host": host}).status_code


def test_allowed_host_repeatable(serve, capsys):
    got = serve("--host", "0.0.0.0", "--port", "8123", "--allowed-host", "policy.example.org",
                "--allowed-host", "Intranet.Example")
    assert (got["host"], got["port"]) == ("0.0.0.0", 8123)
    app = got["app"]
    assert status(app, "policy.example.org") == 200
    assert status(app, "policy.example.org:8123") == 200
    assert status(app, "intranet.example") == 200          # names compare without case
    assert status(app, "10.1.2.3:8123") == 200             # the bound address itself
    assert status(app, "evil.example") == 400
    assert "policy.example.org" in capsys.readouterr().err


def test_allowed_host_adds_to_the_environment(serve):
    app = serve("--host", "0.0.0.0", "--allowed-host", "a.example", env="b.example")["app"]
    assert status(app, "a.example") == 200 and status(app, "b.example") == 200
    assert status(app, "c.example") == 400


def test_without_the_option_the_environment_rules(serve):
    app = serve("--host", "0.0.0.0", env="b.example")["app"]
    assert status(app, "b.example") == 200 and status(app, "a.example") == 400
    app = serve("--host", "0.0.0.0")["app"]
    assert status(app, "10.1.2.3") == 200 and status(app, "a.example") == 400


def test_loopback_still_refuses_rebinding(serve):
    app = serve("--allowed-host", "policy.example.org")["app"]
    assert status(app, "localhost:8000", bound="127.0.0.1") == 200
    assert status(app, "policy.example.org", bound="127.0.0.1") == 200
    assert status(app, "rebind.evil.example", bound="127.0.0.1") == 400


def test_help_names_the_option(capsys):
    from zhengce.cli import main
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    out = capsys.readouterr().out
    assert "--allowed-host HOST" in out and "/api/v1" in out
