import pytest

from examsite.config import ConfigError, from_environment, normalise_database_url


def test_production_needs_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("EXAMSITE_SECRET_KEY", raising=False)
    monkeypatch.delenv("EXAMSITE_ENV", raising=False)
    with pytest.raises(ConfigError, match="EXAMSITE_SECRET_KEY"):
        from_environment(str(tmp_path))


def test_development_keeps_a_generated_key(monkeypatch, tmp_path):
    monkeypatch.delenv("EXAMSITE_SECRET_KEY", raising=False)
    monkeypatch.setenv("EXAMSITE_ENV", "development")
    first = from_environment(str(tmp_path))["SECRET_KEY"]
    assert len(first) == 64 and from_environment(str(tmp_path))["SECRET_KEY"] == first


def test_database_url_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("EXAMSITE_SECRET_KEY", "k")
    monkeypatch.delenv("EXAMSITE_DATABASE_URL", raising=False)
    assert from_environment(str(tmp_path))["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    monkeypatch.setenv("EXAMSITE_DATABASE_URL", "postgresql://u@db/examsite")
    assert from_environment(str(tmp_path))["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/examsite"


def test_normalise_keeps_other_urls():
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"
    assert normalise_database_url("postgres://a@b/c") == "postgresql+psycopg://a@b/c"
