"""The dashboard sees each new publication, even while its process holds a connection."""

from __future__ import annotations

import os

import duckdb

from support_success.dashboard import data


def _publish(path, value: int, tmp) -> None:
    """Write a new file and swap it in atomically, as the publish step does."""
    new = tmp / f"new-{value}.duckdb"
    con = duckdb.connect(str(new))
    con.execute("create schema marts")
    con.execute(f"create table marts.t as select {value} as v")
    con.close()
    os.replace(new, path)


def test_publish_twice_while_a_connection_is_held(tmp_path):
    published = tmp_path / "o'brien data" / "warehouse.duckdb"  # a quote and a space, too
    published.parent.mkdir()
    _publish(published, 1, tmp_path)
    holder = duckdb.connect(str(published), read_only=True)  # a pooled BI connection
    try:
        with data.connect(published) as con:
            assert con.execute("select v from marts.t").fetchone() == (1,)
        for value in (2, 3):
            _publish(published, value, tmp_path)
            with data.connect(published) as con:
                assert con.execute("select v from marts.t").fetchone() == (value,)
        # what a plain duckdb.connect in the same process sees (why the dashboard attaches)
        again = duckdb.connect(str(published), read_only=True)
        stale = again.execute("select v from marts.t").fetchone()
        again.close()
        assert stale == (1,)
    finally:
        holder.close()


def test_publish_into_a_warehouse_path_with_a_quote_and_a_space(tmp_path):
    from orchestration.publish import Relation, publish

    home = tmp_path / "o'brien data"
    home.mkdir()
    working = home / "warehouse.duckdb"
    con = duckdb.connect(str(working))
    con.execute("create schema marts")
    con.execute("create table marts.t as select 42 as v")
    con.close()
    report = publish(
        [Relation("marts", "t")],
        run_id="r1",
        trigger="test",
        working=working,
        published_dir=home / "published",
    )
    assert report.row_counts == {"marts.t": 1}
    with data.connect(home / "published" / "warehouse.duckdb") as con:
        assert con.execute("select v from marts.t").fetchone() == (42,)
