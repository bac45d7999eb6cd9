"""The `warehouse` command explains itself and reports loader problems without a traceback."""

from __future__ import annotations

import pytest

from support_success.cli import build_parser, main


def test_help_lists_every_subcommand(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for command in ("generate", "load", "build", "summary", "demo"):
        assert command in out


def test_every_subcommand_has_its_own_help():
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    for name, sub in subparsers.choices.items():
        assert sub.description, f"`warehouse {name}` has no description"


def test_load_of_a_bad_folder_exits_1_with_the_problem_list(tmp_path, capsys):
    (tmp_path / "raw_helpdesk.nope.csv").write_text("a\n1\n")
    code = main(["load", str(tmp_path), "--database", str(tmp_path / "wh.duckdb")])
    assert code == 1
    err = capsys.readouterr().err
    assert "Nothing was loaded" in err and "unknown table 'raw_helpdesk.nope'" in err
