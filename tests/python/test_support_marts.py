# ruff: noqa: E501  (raw CSV fixtures are kept one row per line, as they would land)
"""End to end: hand-made raw helpdesk folders, loaded with the real loader and built with dbt.

The dbt unit tests check each model on hand-worked rows; these tests check the
whole support chain on raw files (staging, quarantine, the real business
calendar with Berlin daylight saving and a holiday, marts), and that an empty
helpdesk builds. Each test uses its own warehouse file and dbt target folder.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

SUPPORT_SELECTION = (
    "+fct_tickets +fct_sla_events +agg_support_daily +agg_agent_daily "
    "quarantine_helpdesk__* helpdesk_quarantine_reasons "
    # the one evaluation instant reads billing and product events too
    "billing_quarantine_reasons path:models/quarantine/billing path:models/quarantine/product "
    "path:models/staging/billing path:models/staging/product"
)

SCHEDULES = "\n".join(
    [
        "schedule_id,schedule_name,timezone,day_of_week,start_time,end_time,valid_from,valid_to,_loaded_at",
        *[
            f"default,Berlin,Europe/Berlin,{d},09:00,18:00,2024-01-01,,2024-01-01 00:00:00"
            for d in range(1, 6)
        ],
        *[
            f"ny,New York,America/New_York,{d},09:00,17:00,2024-01-01,,2024-01-01 00:00:00"
            for d in range(1, 6)
        ],
        "bad,Nowhere,Mars/Olympus,1,09:00,17:00,2024-01-01,,2024-01-01 00:00:00",
    ]
)

RAW = {
    "raw_helpdesk.schedules.csv": SCHEDULES,
    "raw_helpdesk.schedule_holidays.csv": """schedule_id,holiday_date,holiday_name,_loaded_at
default,2024-05-01,Labour Day,2024-01-01 00:00:00
""",
    "raw_helpdesk.groups.csv": """group_name,tier,schedule_id,_loaded_at
L1,1,default,2024-01-01 00:00:00
US,1,ny,2024-01-01 00:00:00
ENG,3,default,2024-01-01 00:00:00
""",
    "raw_helpdesk.users.csv": """user_id,role,account_id,name,email,default_group,created_at,is_active,_loaded_at
u1,end_user,a1,Ann,ann@x.com,,2024-01-01 00:00:00,true,2024-01-01 00:00:00
ag1,agent,,Bob,bob@y.com,L1,2024-01-01 00:00:00,true,2024-01-01 00:00:00
bot,Admin,,Bot,bot@y.com,,2024-01-01 00:00:00,true,2024-01-01 00:00:00
""",
    "raw_helpdesk.sla_policies.csv": """policy_id,policy_name,priority,metric,target_minutes,in_business_hours,valid_from,valid_to,_loaded_at
p,Std,normal,first_response,60,true,2024-01-01 00:00:00,,2024-01-01 00:00:00
p,Std,normal,resolution,600,true,2024-01-01 00:00:00,,2024-01-01 00:00:00
""",
    # t_dst: created Fri 2024-03-29 16:30 UTC (17:30 CET), answered Mon 04-01 07:15 UTC (09:15 CEST).
    # t_holiday: created Tue 2024-04-30 15:30 UTC (17:30 CEST), answered Thu 05-02 07:15 UTC;
    #   Wed 05-01 is a holiday. t_deleted, t_merged: excluded. t_bad: unknown channel.
    "raw_helpdesk.tickets.csv": """ticket_id,account_id,requester_id,assignee_id,group_name,subject,channel,priority,ticket_type,status,created_at,updated_at,is_deleted,merged_into_ticket_id,_loaded_at
t_dst,a1,u1,ag1,L1,s,Email,normal,question,solved,2024-03-29 16:30:00,2024-04-01 08:00:00,false,,2024-05-03 00:00:00
t_dst,a1,u1,ag1,L1,s,email,normal,question,open,2024-03-29 16:30:00,2024-03-29 16:30:00,false,,2024-03-30 00:00:00
t_holiday,a1,u1,ag1,L1,s,web,normal,incident,open,2024-04-30 15:30:00,2024-05-02 07:15:00,false,,2024-05-03 00:00:00
t_deleted,a1,u1,,,s,chat,normal,question,new,2024-04-30 15:30:00,2024-04-30 15:30:00,true,,2024-05-03 00:00:00
t_merged,a1,u1,,,s,chat,normal,question,closed,2024-04-30 15:30:00,2024-04-30 15:30:00,false,t_holiday,2024-05-03 00:00:00
t_bad,a1,u1,,,s,pigeon,normal,question,new,2024-04-30 15:30:00,2024-04-30 15:30:00,false,,2024-05-03 00:00:00
""",
    "raw_helpdesk.ticket_comments.csv": """comment_id,ticket_id,author_id,is_public,via,created_at,body,_loaded_at
c1,t_dst,u1,true,email,2024-03-29 16:30:00,help,2024-05-03 00:00:00
c2,t_dst,bot,true, Automation ,2024-03-29 16:31:00,auto ack,2024-05-03 00:00:00
c3,t_dst,ag1,true,email,2024-04-01 07:15:00,answer,2024-05-03 00:00:00
c4,t_holiday,u1,true,web,2024-04-30 15:30:00,help,2024-05-03 00:00:00
c5,t_holiday,ag1,true,web,2024-05-02 07:15:00,answer,2024-05-03 00:00:00
c6,t_nowhere,u1,true,web,2024-05-02 07:15:00,orphan,2024-05-03 00:00:00
c7,t_holiday,u1,true,web,2024-04-30 15:00:00,too early,2024-05-03 00:00:00
""",
    "raw_helpdesk.ticket_field_history.csv": """ticket_id,field_name,value,updated_at,updater_id,_loaded_at
t_dst,status,new,2024-03-29 16:30:00,u1,2024-05-03 00:00:00
t_dst,priority,normal,2024-03-29 16:30:00,u1,2024-05-03 00:00:00
t_dst,group_name,L1,2024-03-29 16:30:00,u1,2024-05-03 00:00:00
t_dst,status,solved,2024-04-01 08:00:00,ag1,2024-05-03 00:00:00
t_holiday,status,New,2024-04-30 15:30:00,u1,2024-05-03 00:00:00
t_holiday,status,Open,2024-05-02 07:15:00,ag1,2024-05-03 00:00:00
t_holiday,group_name,L1,2024-04-30 15:30:00,u1,2024-05-03 00:00:00
""",
    "raw_helpdesk.satisfaction_responses.csv": """response_id,survey_type,ticket_id,account_id,user_id,score,comment,responded_at,_loaded_at
r1,csat,t_dst,a1,u1,5,great,2024-04-01 09:00:00,2024-05-03 00:00:00
r2,nps,,a1,u1,9,,2024-04-01 09:00:00,2024-05-03 00:00:00
r3,csat,t_dst,a1,u1,9,,2024-04-01 09:00:00,2024-05-03 00:00:00
""",
}


def _build(tmp_path: Path, monkeypatch, files: dict[str, str]) -> duckdb.DuckDBPyConnection:
    from support_success.loader import load_folder
    from support_success.pipeline import dbt_args

    raw = tmp_path / "raw"
    raw.mkdir()
    for name, text in files.items():
        (raw / name).write_text(text)
    database = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("WAREHOUSE_DUCKDB_PATH", str(database))
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    monkeypatch.setenv("DBT_LOG_PATH", str(tmp_path / "logs"))
    load_folder(database, raw, mode="replace")
    # dbt runs in its own process so its DuckDB connection is closed (and checkpointed) after.
    dbt = Path(sys.executable).parent / "dbt"
    args = dbt_args("build", "--select", SUPPORT_SELECTION, "--exclude", "resource_type:unit_test")
    result = subprocess.run([str(dbt), *args], capture_output=True, text=True, env=dict(os.environ))
    assert result.returncode == 0, (
        f"dbt build of the support models failed:\n{result.stdout[-4000:]}"
    )
    return duckdb.connect(str(database), read_only=True)


@pytest.fixture(scope="module")
def support_warehouse(tmp_path_factory):
    monkeypatch = pytest.MonkeyPatch()
    try:
        con = _build(tmp_path_factory.mktemp("support_e2e"), monkeypatch, RAW)
        yield con
        con.close()
    finally:
        monkeypatch.undo()


def _row(con, sql: str) -> dict:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    assert len(rows) == 1, f"expected one row from {sql!r}, got {len(rows)}"
    return dict(zip(names, rows[0], strict=True))


def test_first_response_across_weekend_and_dst(support_warehouse):
    # Fri 17:30 CET -> Mon 09:15 CEST on a 09:00-18:00 Berlin schedule: 30 + 15 = 45 business
    # minutes; 3765 calendar minutes. The automation acknowledgement (via ' Automation ') is no reply.
    t = _row(support_warehouse, "select * from marts.fct_tickets where ticket_id = 't_dst'")
    assert t["first_reply_at"] == dt.datetime(2024, 4, 1, 7, 15)
    assert t["first_response_minutes_business"] == pytest.approx(45)
    assert t["first_response_minutes_calendar"] == pytest.approx(3765)
    assert t["agent_replies"] == 1
    # solved Mon 08:00 UTC (10:00 CEST): 30 + 60 = 90 business minutes
    assert t["full_resolution_minutes_business"] == pytest.approx(90)
    assert t["is_one_touch"] is True
    assert t["channel"] == "email"  # newest landing wins, 'Email' normalised
    assert t["csat_score"] == 5  # the score-9 CSAT answer is off scale and quarantined


def test_first_response_across_holiday(support_warehouse):
    # Tue 17:30 CEST -> Thu 09:15 CEST, Wed 1 May a holiday: 30 + 15 = 45 business minutes.
    t = _row(support_warehouse, "select * from marts.fct_tickets where ticket_id = 't_holiday'")
    assert t["first_response_minutes_business"] == pytest.approx(45)
    assert t["status"] == "open"


def test_sla_breach_at_on_the_real_calendar(support_warehouse):
    # 60 business minutes from Fri 17:30 CET: 30 on Friday, 30 on Monday -> Mon 09:30 CEST = 07:30 UTC
    e = _row(
        support_warehouse,
        "select * from marts.fct_sla_events where ticket_id = 't_dst' and metric = 'first_response'",
    )
    assert e["breach_at"] == dt.datetime(2024, 4, 1, 7, 30)
    assert e["sla_status"] == "achieved"
    assert e["is_breached"] is False


def test_excluded_and_quarantined_rows_are_traced(support_warehouse):
    con = support_warehouse
    assert con.execute("select count(*) from marts.fct_tickets").fetchone()[0] == 2
    excluded = dict(
        con.execute(
            "select ticket_id, exclusion_reason from quarantine.quarantine_helpdesk__excluded_tickets"
        ).fetchall()
    )
    assert excluded == {"t_deleted": "deleted", "t_merged": "merged"}
    reasons = {
        (r[0], r[1]): r[2]
        for r in con.execute(
            """
            select source_table, quarantine_reason, count(*) from (
                select source_table, quarantine_reason from quarantine.quarantine_helpdesk__tickets
                union all select source_table, quarantine_reason from quarantine.quarantine_helpdesk__ticket_comments
                union all select source_table, quarantine_reason from quarantine.quarantine_helpdesk__schedules
                union all select source_table, quarantine_reason from quarantine.quarantine_helpdesk__satisfaction_responses
            ) group by all
            """
        ).fetchall()
    }
    assert reasons == {
        ("tickets", "duplicate_resync"): 1,
        ("tickets", "unknown_enum_value"): 1,
        ("ticket_comments", "orphan_ticket"): 1,
        ("ticket_comments", "before_ticket_created"): 1,
        ("schedules", "unknown_timezone"): 1,
        ("satisfaction_responses", "score_out_of_range"): 1,
    }


def test_empty_helpdesk_builds(tmp_path, monkeypatch):
    header_only = {
        "raw_helpdesk.tickets.csv": RAW["raw_helpdesk.tickets.csv"].splitlines()[0] + "\n"
    }
    con = _build(tmp_path, monkeypatch, header_only)
    try:
        for mart in ("fct_tickets", "fct_sla_events", "agg_support_daily", "agg_agent_daily"):
            assert con.execute(f"select count(*) from marts.{mart}").fetchone()[0] == 0
    finally:
        con.close()
