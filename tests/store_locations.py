"""Fresh store locations on each backend, for the store's tests.

``locations`` is parametrised over SQLite (a file in ``tmp_path``) and PostgreSQL (a fresh
schema in the database named by ``WDMONITOR_TEST_POSTGRESQL``, which ``.ci/run`` starts).
Without that variable the PostgreSQL cases are skipped on a developer's machine and FAIL
under CI (``CI=true``): the server tests must never be silently left out there.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

POSTGRESQL = os.environ.get("WDMONITOR_TEST_POSTGRESQL", "")
BACKENDS = ["sqlite", "postgresql"]


class Locations:
    """Hands out new, empty store locations of one backend and removes them afterwards."""

    def __init__(self, backend: str, folder: Path) -> None:
        self.backend = backend
        self.folder = folder
        self.schemas: list[str] = []

    def new(self, name: str = "monitoring") -> str | Path:
        if self.backend == "sqlite":
            path = self.folder / f"{name}.sqlite"
            assert not path.exists(), path
            return path
        import psycopg
        from sqlalchemy.engine import make_url

        schema = f"t_{name.replace('-', '_')}_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(POSTGRESQL, autocommit=True) as connection:
            connection.execute(f'CREATE SCHEMA "{schema}"')
        self.schemas.append(schema)
        url = make_url(POSTGRESQL).update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    def execute(self, location: str | Path, sql: str) -> None:
        """Run SQL on the store's database directly (to damage or lock it in a test)."""
        if self.backend == "sqlite":
            import sqlite3

            with sqlite3.connect(location) as connection:
                connection.executescript(sql)
            return
        import psycopg

        with psycopg.connect(str(location), autocommit=True) as connection:
            connection.execute(sql)

    def cleanup(self) -> None:
        if not self.schemas:
            return
        import psycopg

        with psycopg.connect(POSTGRESQL, autocommit=True) as connection:
            for schema in self.schemas:
                connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def require_backend(backend: str) -> None:
    if backend == "postgresql" and not POSTGRESQL:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but WDMONITOR_TEST_POSTGRESQL is not set: .ci/run starts a PostgreSQL server and "
                        "exports its URL; the store's server tests must run in CI")
        pytest.skip("no PostgreSQL server: set WDMONITOR_TEST_POSTGRESQL=postgresql://… (.ci/run starts one)")


@pytest.fixture(params=BACKENDS)
def locations(request, tmp_path):
    require_backend(request.param)
    made = Locations(request.param, tmp_path)
    yield made
    made.cleanup()


@pytest.fixture
def postgresql_locations(tmp_path):
    """Server locations only, for the faults a file does not have."""
    require_backend("postgresql")
    made = Locations("postgresql", tmp_path)
    yield made
    made.cleanup()
