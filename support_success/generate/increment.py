"""One more day of raw data after a generated dataset, for incremental refreshes.

    from support_success.generate.increment import generate_next_day
    counts = generate_next_day(Path("data/demo"), Path("data/demo-day1"), seed=1)

Reads a folder written by ``warehouse generate`` (or by an earlier call of this
function merged into it) and writes, into ``out_dir``, only the rows landed on the
next day: ``<schema>.<table>.parquet`` files to load with
``warehouse load OUT --mode append``. Every row's ``_loaded_at`` falls on that day.

The day D is the UTC day after the newest helpdesk event of the source. It holds:

* new tickets created on D (as many as the average day of the last four weeks),
  with their comments, field history, solves and CSAT answers; a few requested by
  end users whose user row lands on D too;
* activity on tickets still open in the source: an agent reply, then solved or
  pending, with the ticket row landed again;
* late rows for old tickets, the cases an incremental refresh must get right:
  a public agent reply dated before the ticket's first reply (it becomes the
  first response of an already solved ticket), a reopen of a solved ticket, a
  priority change dated in the past (re-targets its SLAs), re-synced identical
  copies of old comments and a re-synced copy of an agent reply made internal
  (it stops being a reply);
* NPS answers and, for accounts active the day before, one ``daily_usage`` row.

Deterministic for a given source and seed. Returns the rows written per table.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from support_success import contract
from support_success.generate.tables import ARROW_TYPES

# ids of injected defects live in high ranges (docs/generator.md): new rows count on from below
_CLEAN_ID_LIMIT = 80_000_000
_VIA_FOR_CHANNEL = {"email": "email", "web": "web", "chat": "chat", "phone": "phone", "api": "api"}


def _source_sql(source_dir: Path, qualified: str) -> str:
    for ext, reader in (("parquet", "read_parquet"), ("csv", "read_csv_auto")):
        path = source_dir / f"{qualified}.{ext}"
        if path.exists():
            return f"{reader}('{path.as_posix()}')"
    raise FileNotFoundError(
        f"{source_dir} has no {qualified}.parquet or .csv: generate_next_day needs a folder "
        "written by `warehouse generate`."
    )


class _Day:
    """Accumulates the new rows per table and the clock of the new day."""

    def __init__(self, day: date, rng: np.random.Generator):
        self.day = day
        self.start = datetime.combine(day, time(0, 0))
        self.end = self.start + timedelta(days=1) - timedelta(seconds=1)
        self.rng = rng
        self.rows: dict[str, list[dict]] = {t.qualified_name: [] for t in contract.TABLES}

    def at(self, hours: float) -> datetime:
        """An instant of the day, ``hours`` after midnight (clamped into the day)."""
        seconds = int(round(min(max(hours, 0.0), 23.95) * 3600))
        return self.start + timedelta(seconds=seconds)

    def loaded(self, event: datetime) -> datetime:
        """When the loader lands a row about ``event``: a few minutes to an hour later, on D."""
        lag = timedelta(seconds=int(self.rng.integers(120, 3600)))
        return min(max(event.replace(microsecond=0), self.start) + lag, self.end)

    def add(self, qualified: str, **values) -> None:
        self.rows[qualified].append(values)


def _write(rows: list[dict], qualified: str, out_dir: Path) -> int:
    table = contract.table(qualified)
    arrays = []
    for column in table.columns:
        values = [r.get(column.name) for r in rows]
        arrays.append(pa.array(values, type=ARROW_TYPES[column.type]))
    data = pa.Table.from_arrays(arrays, names=table.column_names)
    pq.write_table(data, out_dir / f"{qualified}.parquet", compression="snappy")
    return data.num_rows


def generate_next_day(source_dir: Path, out_dir: Path, *, seed: int = 1) -> dict:
    """Write the rows landed on the day after ``source_dir``'s newest day into ``out_dir``.

    Returns ``{"<schema>.<table>": rows written}`` for every table with new rows,
    plus ``"day"`` (the new UTC day, ISO text).
    """
    source_dir, out_dir = Path(source_dir), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in out_dir.glob("raw_*.parquet"):
        path.unlink()
    rng = np.random.default_rng([seed, 20_251_124])
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    src = {t.qualified_name: _source_sql(source_dir, t.qualified_name) for t in contract.TABLES}
    for qualified, sql in src.items():
        con.execute(f'create view "{qualified}" as select * from {sql}')

    def q(sql: str) -> list[tuple]:
        return con.execute(sql).fetchall()

    newest_event = q(
        """
        select max(t) from (
            select max(created_at) as t from "raw_helpdesk.tickets"
            where created_at <= _loaded_at
            union all
            select max(created_at) from "raw_helpdesk.ticket_comments"
            where created_at <= _loaded_at
            union all
            select max(updated_at) from "raw_helpdesk.ticket_field_history"
            where updated_at <= _loaded_at
        )
        """
    )[0][0]
    day = _Day(newest_event.date() + timedelta(days=1), rng)

    # --- the world as the source left it (newest landing per key wins) -------------------
    con.execute(
        """
        create temp table current_tickets as
        select * from "raw_helpdesk.tickets"
        where ticket_id is not null and created_at is not null
        qualify row_number() over (partition by ticket_id order by _loaded_at desc) = 1
        """
    )
    agents = q(
        """
        select user_id, default_group from "raw_helpdesk.users"
        where role in ('agent', 'admin') and user_id is not null
        qualify row_number() over (partition by user_id order by _loaded_at desc) = 1
        order by user_id
        """
    )
    end_users = q(
        """
        select user_id, account_id from "raw_helpdesk.users"
        where role = 'end_user' and account_id is not null and user_id like 'usr\\_%' escape '\\'
        qualify row_number() over (partition by user_id order by _loaded_at desc) = 1
        order by user_id
        """
    )
    groups = [r[0] for r in q('select distinct group_name from "raw_helpdesk.groups" order by 1')]
    enterprise_accounts = {
        r[0]
        for r in q(
            """
            select customer_id from "raw_billing.customers"
            qualify row_number() over (partition by customer_id order by _loaded_at desc) = 1
                and lower(segment) = 'enterprise'
            """
        )
    }

    def next_number(qualified: str, column: str, prefix: str = "") -> int:
        n = len(prefix)
        value = q(
            f"""
            select max(try_cast(substr({column}, {n + 1}) as bigint)) from "{qualified}"
            where {column} like '{prefix}%'
                and try_cast(substr({column}, {n + 1}) as bigint) < {_CLEAN_ID_LIMIT}
            """
        )[0][0]
        return int(value or 0) + 1

    next_ticket = next_number("raw_helpdesk.tickets", "ticket_id")
    next_comment = next_number("raw_helpdesk.ticket_comments", "comment_id")
    next_response = next_number("raw_helpdesk.satisfaction_responses", "response_id", "resp_")
    next_user = next_number("raw_helpdesk.users", "user_id", "usr_")
    response_width = max(
        7,
        *(
            len(r[0]) - 5
            for r in q(
                'select response_id from "raw_helpdesk.satisfaction_responses" '
                "where response_id like 'resp_%' limit 1"
            )
        ),
    )

    def new_comment_id() -> str:
        nonlocal next_comment
        next_comment += 1
        return str(next_comment - 1)

    def new_response_id() -> str:
        nonlocal next_response
        next_response += 1
        return f"resp_{next_response - 1:0{response_width}d}"

    def pick(seq):
        return seq[int(rng.integers(0, len(seq)))]

    def agent_for(group: str | None) -> str:
        in_group = [a for a, g in agents if g == group]
        return pick(in_group or [a for a, _ in agents])

    def comment(ticket_id, author, at, *, public=True, via="web"):
        at = at.replace(microsecond=0)
        day.add(
            "raw_helpdesk.ticket_comments",
            comment_id=new_comment_id(),
            ticket_id=ticket_id,
            author_id=author,
            is_public=public,
            via=via,
            created_at=at,
            body="(generated next-day comment)",
            _loaded_at=day.loaded(at),
        )

    def change(ticket_id, field, value, at, updater):
        at = at.replace(microsecond=0)
        day.add(
            "raw_helpdesk.ticket_field_history",
            ticket_id=ticket_id,
            field_name=field,
            value=value,
            updated_at=at,
            updater_id=updater,
            _loaded_at=day.loaded(at),
        )

    def land_ticket(row: dict, **changes) -> None:
        landed = {**row, **changes}
        landed["updated_at"] = landed["updated_at"].replace(microsecond=0)
        landed["_loaded_at"] = day.loaded(landed["updated_at"])
        day.add("raw_helpdesk.tickets", **landed)

    ticket_columns = contract.table("raw_helpdesk.tickets").column_names

    # --- 1. new tickets created on D --------------------------------------------------------
    recent = q(
        f"""
        select count(*) / 28.0 from current_tickets
        where created_at >= timestamp '{day.start}' - interval 28 day
            and created_at < timestamp '{day.start}'
        """
    )[0][0]
    mix = q(
        f"""
        select channel, priority, ticket_type from current_tickets
        where channel in ('email', 'web', 'chat', 'phone', 'api')
            and priority in ('low', 'normal', 'high', 'urgent')
            and ticket_type in ('question', 'incident', 'problem', 'task')
            and created_at >= timestamp '{day.start}' - interval 90 day
        order by ticket_id
        """
    )
    n_new = max(3, int(rng.poisson(max(float(recent or 0), 3.0))))
    new_users = []
    for _ in range(max(1, n_new // 50)):
        account = pick(end_users)[1]
        user_id = f"usr_{next_user}"
        next_user += 1
        created = day.at(float(rng.uniform(0.2, 1.0)))
        day.add(
            "raw_helpdesk.users",
            user_id=user_id,
            role="end_user",
            account_id=account,
            name="(generated)",
            email=f"{user_id}@example.com",
            default_group=None,
            created_at=created,
            is_active=True,
            _loaded_at=day.loaded(created),
        )
        new_users.append((user_id, account))
    for i in range(n_new):
        ticket_id = str(next_ticket + i)
        requester, account = new_users[i] if i < len(new_users) else pick(end_users)
        channel, priority, ticket_type = pick(mix) if mix else ("web", "normal", "question")
        group = pick(groups)
        created = day.at(float(rng.uniform(1.0, 20.0)))
        via = _VIA_FOR_CHANNEL.get(channel, "web")
        comment(ticket_id, requester, created, via=via)
        change(ticket_id, "status", "new", created, requester)
        change(ticket_id, "priority", priority, created, requester)
        change(ticket_id, "group_name", group, created, requester)
        policy = "Enterprise" if account in enterprise_accounts else "Standard"
        change(ticket_id, "sla_policy", policy, created, requester)
        status, assignee, updated = "new", None, created
        clock = created
        if rng.random() < 0.85:
            assignee = agent_for(group)
            clock = clock + timedelta(minutes=float(rng.exponential(90)) + 2)
            if clock < day.at(23.5):
                change(ticket_id, "assignee_id", assignee, clock, assignee)
                comment(ticket_id, assignee, clock, via="web")
                change(ticket_id, "status", "open", clock, assignee)
                status, updated = "open", clock
                if rng.random() < 0.5:
                    clock = clock + timedelta(minutes=float(rng.uniform(30, 180)))
                    if clock < day.at(23.5):
                        comment(ticket_id, requester, clock, via=via)
                        updated = clock
                        clock = clock + timedelta(minutes=float(rng.uniform(20, 120)))
                        if clock < day.at(23.5):
                            comment(ticket_id, assignee, clock, via="web")
                            updated = clock
                if rng.random() < 0.6:
                    clock = clock + timedelta(minutes=float(rng.uniform(10, 60)))
                    if clock < day.at(23.5):
                        change(ticket_id, "status", "solved", clock, assignee)
                        status, updated = "solved", clock
                        if rng.random() < 0.3 and clock + timedelta(hours=1) < day.at(23.8):
                            answered = clock + timedelta(minutes=float(rng.uniform(10, 50)))
                            day.add(
                                "raw_helpdesk.satisfaction_responses",
                                response_id=new_response_id(),
                                survey_type="csat",
                                ticket_id=ticket_id,
                                account_id=account,
                                user_id=requester,
                                score=int(rng.integers(1, 6)),
                                comment=None,
                                responded_at=answered,
                                _loaded_at=day.loaded(answered),
                            )
                elif rng.random() < 0.5:
                    clock = clock + timedelta(minutes=float(rng.uniform(5, 30)))
                    if clock < day.at(23.5):
                        change(ticket_id, "status", "pending", clock, assignee)
                        status, updated = "pending", clock
        land_ticket(
            dict.fromkeys(ticket_columns),
            ticket_id=ticket_id,
            account_id=account,
            requester_id=requester,
            assignee_id=assignee,
            group_name=group,
            subject="(generated next-day ticket)",
            channel=channel,
            priority=priority,
            ticket_type=ticket_type,
            status=status,
            created_at=created,
            updated_at=updated,
            is_deleted=False,
            merged_into_ticket_id=None,
        )

    def ticket_rows(sql_where: str, limit: int) -> list[dict]:
        cur = con.execute(
            f"select * from current_tickets where {sql_where} order by ticket_id limit {int(limit)}"
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def as_ticket(row: dict) -> dict:
        return {c: row.get(c) for c in ticket_columns}

    # --- 2. activity on tickets still open ----------------------------------------------------
    still_open = ticket_rows(
        "status in ('new', 'open', 'pending', 'on_hold') and not coalesce(is_deleted, false) "
        "and merged_into_ticket_id is null",
        100_000,
    )
    for row in still_open:
        if rng.random() > 0.6:
            continue
        agent = (
            row["assignee_id"]
            if row["assignee_id"] in {a for a, _ in agents}
            else agent_for(row["group_name"])
        )
        at = day.at(float(rng.uniform(1.0, 22.0)))
        comment(row["ticket_id"], agent, at, via="web")
        new_status = "solved" if rng.random() < 0.5 else "pending"
        solve_at = at + timedelta(minutes=5)
        change(row["ticket_id"], "status", new_status, solve_at, agent)
        land_ticket(as_ticket(row), status=new_status, updated_at=solve_at, assignee_id=agent)

    # --- 3. late rows for old tickets ---------------------------------------------------------
    n_late = max(3, n_new // 20)
    old_window = (
        f"created_at < timestamp '{day.start}' - interval 20 day "
        f"and created_at >= timestamp '{day.start}' - interval 120 day "
        "and not coalesce(is_deleted, false) and merged_into_ticket_id is null"
    )
    # 3a. a public agent reply dated before the first one: the new first response of a solved ticket
    first_replies = q(
        f"""
        with agent_ids as (
            select user_id from "raw_helpdesk.users" where role in ('agent', 'admin')
        ),
        replies as (
            select c.ticket_id, min(c.created_at) as first_reply_at
            from "raw_helpdesk.ticket_comments" as c
            where c.is_public and c.via <> 'automation'
                and c.author_id in (select user_id from agent_ids)
            group by c.ticket_id
        )
        select t.ticket_id, t.created_at, r.first_reply_at, t.assignee_id, t.group_name
        from current_tickets as t
        inner join replies as r on r.ticket_id = t.ticket_id
        where t.status in ('solved', 'closed') and {old_window}
            and r.first_reply_at > t.created_at + interval 20 minute
        order by hash(t.ticket_id || '{seed}')
        limit {n_late}
        """
    )
    for ticket_id, created, first_reply, assignee, group in first_replies:
        at = created + (first_reply - created) / 2
        author = assignee if assignee in {a for a, _ in agents} else agent_for(group)
        day.add(
            "raw_helpdesk.ticket_comments",
            comment_id=new_comment_id(),
            ticket_id=ticket_id,
            author_id=author,
            is_public=True,
            via="email",
            created_at=at.replace(microsecond=0),
            body="(late-synced reply)",
            _loaded_at=day.at(float(rng.uniform(0.5, 23.0))),
        )
    late_ids = {r[0] for r in first_replies}
    # 3b. a solved ticket reopened on D by its requester
    reopenable = (
        f"status = 'solved' and created_at < timestamp '{day.start}' - interval 2 day "
        "and not coalesce(is_deleted, false) and merged_into_ticket_id is null "
        "and requester_id like 'usr_%'"
    )
    for row in ticket_rows(reopenable, 10_000):
        if row["ticket_id"] in late_ids or rng.random() > 0.3:
            continue
        at = day.at(float(rng.uniform(2.0, 20.0)))
        comment(row["ticket_id"], row["requester_id"], at, via="email")
        change(row["ticket_id"], "status", "open", at, row["requester_id"])
        land_ticket(as_ticket(row), status="open", updated_at=at)
        late_ids.add(row["ticket_id"])
        if len(late_ids) >= 2 * n_late:
            break
    # 3c. a priority change dated in the past, landed on D (re-targets the ticket's SLAs)
    for row in ticket_rows(f"status in ('solved', 'closed') and {old_window}", 10_000):
        if row["ticket_id"] in late_ids or rng.random() > 0.2:
            continue
        at = row["created_at"] + timedelta(minutes=7)
        new_priority = "urgent" if row["priority"] != "urgent" else "high"
        day.add(
            "raw_helpdesk.ticket_field_history",
            ticket_id=row["ticket_id"],
            field_name="priority",
            value=new_priority,
            updated_at=at,
            updater_id=agent_for(row["group_name"]),
            _loaded_at=day.at(float(rng.uniform(0.5, 23.0))),
        )
        late_ids.add(row["ticket_id"])
        if len(late_ids) >= 3 * n_late:
            break
    # 3d. re-synced copies of old comments: identical, and one agent reply made internal
    comment_columns = contract.table("raw_helpdesk.ticket_comments").column_names
    cur = con.execute(
        f"""
        select * from "raw_helpdesk.ticket_comments"
        where comment_id is not null
            and ticket_id in (select ticket_id from current_tickets where {old_window})
            and comment_id not in (
                select comment_id from "raw_helpdesk.ticket_comments" group by 1 having count(*) > 1
            )
        qualify row_number() over (partition by comment_id order by _loaded_at desc) = 1
        order by hash(comment_id || '{seed}')
        limit {2 * n_late}
        """
    )
    names = [d[0] for d in cur.description]
    for i, values in enumerate(cur.fetchall()):
        row = {c: v for c, v in zip(names, values, strict=True) if c in comment_columns}
        agent_reply = (
            row["is_public"]
            and row["author_id"] in {a for a, _ in agents}
            and row["via"] != "automation"
        )
        if i % 2 == 1 and agent_reply:
            row["is_public"] = False  # the helpdesk turned the reply into an internal note
        row["_loaded_at"] = day.at(float(rng.uniform(0.5, 23.0)))
        day.add("raw_helpdesk.ticket_comments", **row)

    # --- 4. NPS answers and product usage -----------------------------------------------------
    for _ in range(max(1, n_new // 10)):
        user_id, account = pick(end_users)
        at = day.at(float(rng.uniform(0.5, 22.0)))
        day.add(
            "raw_helpdesk.satisfaction_responses",
            response_id=new_response_id(),
            survey_type="nps",
            ticket_id=None,
            account_id=account,
            user_id=user_id,
            score=int(rng.integers(0, 11)),
            comment=None,
            responded_at=at,
            _loaded_at=day.loaded(at),
        )
    usage = q(
        f"""
        select account_id, active_users, sessions, key_actions from "raw_product.daily_usage"
        where usage_date = (
                select max(usage_date) from "raw_product.daily_usage"
                where usage_date < date '{day.day}'
            )
            and account_id is not null and active_users >= 0 and sessions >= 0 and key_actions >= 0
        qualify row_number() over (partition by account_id order by _loaded_at desc) = 1
        order by account_id
        """
    )
    for account, active, sessions, actions in usage:
        factor = float(rng.lognormal(0.0, 0.2))
        day.add(
            "raw_product.daily_usage",
            account_id=account,
            usage_date=day.day,
            active_users=max(0, round((active or 0) * factor)),
            sessions=max(0, round((sessions or 0) * factor)),
            key_actions=max(0, round((actions or 0) * factor)),
            _loaded_at=day.at(float(rng.uniform(22.5, 23.9))),
        )

    counts: dict = {"day": day.day.isoformat()}
    for qualified, rows in day.rows.items():
        if rows:
            counts[qualified] = _write(rows, qualified, out_dir)
    return counts
