"""Helpdesk: users, tickets, their comments and field history, satisfaction surveys.

Tickets arrive while a customer is subscribed (or trialling), at a rate that grows
with seats and with poor health, with a weekly rhythm (quiet weekends) and a daily
one (business-hour peaks in the customer's time zone). Each ticket then lives
through vectorised "rounds": an agent reply (on the group's business calendar,
slower on busy days and for unhealthy accounts), the customer's answer, and so on
until the solve; some are escalated to tier 2 and 3 (with an on-hold spell), some
change priority, some are reopened, some auto-solve after the customer goes
silent, and every solved ticket closes four days later. Events after the end of
the window are cut off, which leaves a realistic backlog and running SLA clocks.

The ticket row's current values are derived from the field history, so the two can
never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from support_success.generate import business_time, reference
from support_success.generate.billing import COUNTRIES, COUNTRY_GROUP, Billing
from support_success.generate.timeline import (
    DAY,
    HOUR,
    MINUTE,
    NULL_TIME,
    WINDOW_END,
    WINDOW_START,
    lognormal_minutes,
)

CHANNELS = ("email", "web", "chat", "phone", "api")
CHANNEL_P = (0.36, 0.29, 0.17, 0.11, 0.07)
TICKET_TYPES = ("question", "incident", "problem", "task")
STATUSES = ("new", "open", "pending", "on_hold", "solved", "closed")
NEW, OPEN, PENDING, ON_HOLD, SOLVED, CLOSED = range(6)
FIELDS = ("status", "priority", "assignee_id", "group_name", "sla_policy")
F_STATUS, F_PRIORITY, F_ASSIGNEE, F_GROUP, F_SLA_POLICY = range(5)
VIAS = ("web", "email", "chat", "phone", "api", "automation")
VIA_OF_CHANNEL = np.array([1, 0, 2, 3, 4])  # channel index -> via index of end-user comments
ROLES = ("end_user", "agent", "admin")
SURVEYS = ("csat", "ces", "nps")
# comment kinds (for the body text only)
KINDS = (
    "initial",
    "auto_ack",
    "agent_reply",
    "end_user_reply",
    "follow_up",
    "internal_note",
    "thanks",
    "reopen",
    "merge_note",
    "escalation_note",
    "auto_solve",
)
(
    K_INITIAL,
    K_ACK,
    K_REPLY,
    K_USER,
    K_FOLLOW,
    K_NOTE,
    K_THANKS,
    K_REOPEN,
    K_MERGE,
    K_ESC,
    K_AUTO_SOLVE,
) = range(11)
AUTOMATION_USER = 0
ADMIN_USERS = (1, 2)
WEEKDAY_WEIGHT = np.array([1.22, 1.12, 1.06, 1.0, 0.86, 0.22, 0.17])  # Mon..Sun
HOUR_WEIGHT = np.array(
    [
        0.2,
        0.15,
        0.1,
        0.1,
        0.1,
        0.2,
        0.5,
        1.2,
        3.0,
        5.0,
        5.5,
        5.2,
        4.0,
        4.6,
        5.0,
        4.8,
        4.2,
        3.0,
        1.8,
        1.2,
        0.9,
        0.7,
        0.5,
        0.3,
    ]
)
# replies needed before the solve, by ticket type (1..5)
REPLY_P = {
    0: (0.52, 0.28, 0.12, 0.06, 0.02),
    1: (0.22, 0.30, 0.24, 0.15, 0.09),
    2: (0.08, 0.24, 0.30, 0.22, 0.16),
    3: (0.45, 0.30, 0.15, 0.07, 0.03),
}
# median business minutes to the first agent reply, by priority (urgent: calendar minutes)
FIRST_REPLY_MEDIAN = np.array([420.0, 200.0, 95.0, 22.0])
NEXT_REPLY_MEDIAN = np.array([520.0, 290.0, 140.0, 45.0])
GROUP_SPEED = np.array([0.85, 1.35, 1.1, 1.6])  # >1 = slower (Americas understaffed)


@dataclass
class Users:
    n: int
    role: np.ndarray
    account: np.ndarray  # customer index or -1
    default_group: np.ndarray  # group index or -1
    created_at: np.ndarray
    is_active: np.ndarray
    first_end_user: np.ndarray  # per customer: first user index
    n_end_users: np.ndarray  # per customer
    agent_start: np.ndarray  # per group
    agent_count: np.ndarray  # per group


@dataclass
class Helpdesk:
    users: Users
    tickets: dict
    comments: dict
    history: dict
    responses: dict


def _users(rng, billing: Billing, n_tickets: int) -> Users:
    cust = billing.customers
    agents_per_group = np.array(
        [
            max(3, round(n_tickets / 22_000)),
            max(3, round(n_tickets / 26_000)),
            max(2, round(n_tickets / 55_000)),
            max(2, round(n_tickets / 140_000)),
        ]
    )
    n_staff = 3 + int(agents_per_group.sum())
    n_end = np.clip(np.rint(cust.seats0 * 0.22 + 1 + rng.poisson(1.0, cust.n)), 1, 80).astype(
        np.int64
    )
    first_end = n_staff + np.concatenate([[0], np.cumsum(n_end)[:-1]])
    n = n_staff + int(n_end.sum())
    role = np.zeros(n, dtype=np.int64)
    role[:3] = 2
    role[3:n_staff] = 1
    default_group = np.full(n, -1)
    agent_start = 3 + np.concatenate([[0], np.cumsum(agents_per_group)[:-1]])
    for g in range(4):
        default_group[agent_start[g] : agent_start[g] + agents_per_group[g]] = g
    default_group[list(ADMIN_USERS)] = [reference.EMEA, reference.AMERICAS]
    account = np.full(n, -1)
    account[n_staff:] = np.repeat(np.arange(cust.n), n_end)
    created = np.empty(n, dtype=np.int64)
    created[:n_staff] = WINDOW_START - rng.integers(30, 700, n_staff) * DAY
    created[n_staff:] = cust.created_at[account[n_staff:]] + rng.integers(
        5 * MINUTE, 20 * DAY, n - n_staff
    )
    # end users of customers that are gone (ended, not back) are deactivated
    ended = np.zeros(cust.n, bool)
    still = np.zeros(cust.n, bool)
    ended[billing.spans["customer"][billing.spans["end"] < WINDOW_END]] = True
    still[billing.spans["customer"][billing.spans["end"] >= WINDOW_END]] = True
    is_active = np.ones(n, bool)
    is_active[n_staff:] = ~(ended & ~still)[account[n_staff:]]
    is_active[3 + rng.choice(n_staff - 3, size=max(1, (n_staff - 3) // 12), replace=False)] = False
    return Users(
        n,
        role,
        account,
        default_group,
        created,
        is_active,
        first_end,
        n_end,
        agent_start,
        agents_per_group,
    )


# An account about to leave files more tickets, rates them worse and answers NPS as a
# detractor (and pays late: billing.py) over the days before its subscription ends.
PRE_CHURN_DAYS = 90
PRE_CHURN_EXTRA_TICKETS = 0.8  # extra ticket rate over those days, × the usual rate


def _arrivals(rng, billing: Billing, n_target: int):
    """Ticket creation instants, customers and whether the ticket came in the PRE_CHURN_DAYS
    before the customer's subscription ended, with weekly and daily rhythm."""
    cust = billing.customers
    sp = billing.spans
    leaving = sp["end"] < WINDOW_END
    # each paying span, plus its last PRE_CHURN_DAYS again if it ends (the extra tickets)
    span_start = np.concatenate(
        [sp["start"], np.maximum(sp["start"], sp["end"] - PRE_CHURN_DAYS * DAY)[leaving]]
    )
    span_end = np.concatenate([sp["end"], sp["end"][leaving]])
    c = np.concatenate([sp["customer"], sp["customer"][leaving]])
    extra = np.concatenate(
        [np.ones(len(sp["customer"])), np.full(leaving.sum(), PRE_CHURN_EXTRA_TICKETS)]
    )
    sp = {"customer": c, "start": span_start, "end": span_end}
    days = (sp["end"] - sp["start"]) / DAY
    exposure = (
        cust.seats0[c] ** 0.55
        * days
        * extra
        * np.exp(-0.3 * cust.health[c])
        * np.array([1.0, 1.1, 1.3])[cust.segment[c]]
    )
    rate = n_target / exposure.sum()
    counts = rng.poisson(rate * exposure)
    span = np.repeat(np.arange(len(c)), counts)
    n = len(span)
    start, end = sp["start"][span], np.minimum(sp["end"][span], WINDOW_END)
    offset = np.array([x[2] for x in COUNTRIES])[cust.country[c[span]]] * HOUR
    created = np.zeros(n, dtype=np.int64)
    todo = np.arange(n)
    hour_cdf = np.cumsum(HOUR_WEIGHT) / HOUR_WEIGHT.sum()
    for _ in range(60):
        if todo.size == 0:
            break
        m = todo.size
        t_local = start[todo] + offset[todo] + (rng.random(m) * (end[todo] - start[todo]))
        local_day = (t_local // DAY).astype(np.int64)
        dow = (local_day + 3) % 7
        hour = np.searchsorted(hour_cdf, rng.random(m))
        t = local_day * DAY + hour * HOUR + rng.integers(0, HOUR, m) - offset[todo]
        ok = rng.random(m) < WEEKDAY_WEIGHT[dow] / WEEKDAY_WEIGHT.max()
        ok &= (t >= start[todo]) & (t < end[todo])
        created[todo[ok]] = t[ok]
        todo = todo[~ok]
    if todo.size:
        created[todo] = start[todo] + (rng.random(todo.size) * (end[todo] - start[todo])).astype(
            np.int64
        )
    order = np.argsort(created, kind="stable")
    before_end = (span_end[span] < WINDOW_END) & (span_end[span] - created < PRE_CHURN_DAYS * DAY)
    return created[order], c[span][order], before_end[order]


class _Events:
    """Column chunks of comment and field-history events, concatenated at the end.

    Chunks are stored in compact dtypes as they are recorded (a million tickets make
    ~10M history rows and ~6M comments), and always as copies: callers keep mutating
    their working arrays after recording an event.
    """

    H_COLUMNS = ("ticket", "field", "value", "at", "updater")
    H_TYPES = (np.int32, np.int8, np.int32, np.int64, np.int32)
    C_COLUMNS = ("ticket", "author", "is_public", "via", "at", "kind")
    C_TYPES = (np.int32, np.int32, bool, np.int8, np.int64, np.int8)

    def __init__(self):
        self.hist: list[tuple] = []
        self.comm: list[tuple] = []

    def field(self, ticket, field, value, at, updater):
        n = len(ticket)
        if n:
            values = (ticket, field, value, at, updater)
            self.hist.append(
                tuple(_arr(v, n, t) for v, t in zip(values, self.H_TYPES, strict=True))
            )

    def comment(self, ticket, author, public, via, at, kind):
        n = len(ticket)
        if n:
            values = (ticket, author, public, via, at, kind)
            self.comm.append(
                tuple(_arr(v, n, t) for v, t in zip(values, self.C_TYPES, strict=True))
            )

    def arrays(self):
        hist = {c: np.concatenate([x[i] for x in self.hist]) for i, c in enumerate(self.H_COLUMNS)}
        self.hist = []
        comm = {c: np.concatenate([x[i] for x in self.comm]) for i, c in enumerate(self.C_COLUMNS)}
        self.comm = []
        return hist, comm


def _arr(v, n, dtype):
    a = np.asarray(v)
    return np.full(n, a, dtype=dtype) if a.ndim == 0 else a.astype(dtype)  # astype copies


def _pick_agent(rng, users: Users, group: np.ndarray) -> np.ndarray:
    return users.agent_start[group] + (rng.random(len(group)) * users.agent_count[group]).astype(
        np.int64
    )


def _policy_targets(
    policy: np.ndarray, priority: np.ndarray, at: np.ndarray, metric: int
) -> np.ndarray:
    """Target minutes of `metric` (index into SLA_METRICS, one both Standard versions have)."""
    cut = np.datetime64(reference.POLICY_CHANGE).astype("datetime64[s]").astype(np.int64)
    old, new, enterprise = (
        np.array([v.targets[p][metric] for p in reference.PRIORITIES])
        for v in reference.SLA_POLICIES
    )
    standard = np.where(at < cut, old[priority], new[priority])
    return np.where(policy == reference.ENTERPRISE, enterprise[priority], standard)


def generate_helpdesk(rng: np.random.Generator, billing: Billing, n_target: int) -> Helpdesk:
    cust = billing.customers
    users = _users(rng, billing, n_target)
    created, customer, before_churn = _arrivals(rng, billing, n_target)
    n = len(created)
    tid = np.arange(n)
    seg = cust.segment[customer]
    health = cust.health[customer]
    channel = rng.choice(len(CHANNELS), n, p=CHANNEL_P)
    ttype = rng.choice(4, n, p=[0.46, 0.29, 0.1, 0.15])
    pr_p = np.array([[0.18, 0.58, 0.18, 0.06], [0.12, 0.56, 0.23, 0.09], [0.08, 0.5, 0.28, 0.14]])
    priority0 = (rng.random(n)[:, None] > np.cumsum(pr_p[seg], axis=1)).sum(axis=1)
    priority0 = np.where(
        (ttype == 1) & (rng.random(n) < 0.15), np.minimum(priority0 + 1, 3), priority0
    )
    group0 = np.array(COUNTRY_GROUP)[cust.country[customer]]
    requester = users.first_end_user[customer] + (
        rng.random(n) * users.n_end_users[customer]
    ).astype(np.int64)
    internal = rng.random(n) < 0.01  # raised by an agent on the customer's behalf
    requester = np.where(internal, _pick_agent(rng, users, group0), requester)
    spam = (rng.random(n) < 0.006) & (channel == 0)
    # merges: a second ticket by the same account within 5 days of the previous one
    prev_same = np.zeros(n, bool)
    order = np.lexsort((created, customer))
    same = customer[order][1:] == customer[order][:-1]
    close = (created[order][1:] - created[order][:-1]) < 5 * DAY
    cand = order[1:][same & close]
    prev_of = np.full(n, -1)
    prev_of[order[1:][same]] = order[:-1][same]
    prev_same[cand] = True
    merged = prev_same & ~spam & (rng.random(n) < 0.04)
    merged &= ~np.isin(tid, prev_of[merged])  # a merge target is never merged itself
    merged &= ~spam[np.maximum(prev_of, 0)]
    merged_into = np.where(merged, prev_of, -1)
    requester = np.where(merged, requester[np.maximum(prev_of, 0)], requester)
    regular = ~spam & ~merged

    ev = _Events()
    # ---- creation: initial values of every tracked field, the requester's first comment
    ev.field(tid, F_STATUS, NEW, created, requester)
    ev.field(tid, F_PRIORITY, priority0, created, requester)
    ev.field(tid, F_ASSIGNEE, -1, created, requester)
    ev.field(tid, F_GROUP, np.where(spam, -1, group0), created, requester)
    ev.comment(tid, requester, True, VIA_OF_CHANNEL[channel], created, K_INITIAL)
    ack = ~spam & np.isin(channel, [0, 1, 4])
    ev.comment(
        tid[ack], AUTOMATION_USER, True, 5, created[ack] + rng.integers(3, 90, ack.sum()), K_ACK
    )

    # ---- spam: closed and deleted by an agent shortly after
    s_idx = tid[spam]
    s_at = created[spam] + rng.integers(10, 600, spam.sum()) * MINUTE
    s_agent = _pick_agent(rng, users, group0[spam])
    ev.field(s_idx, F_STATUS, CLOSED, s_at, s_agent)

    # ---- merges: an agent merges the duplicate into the earlier ticket and closes it
    m_idx = tid[merged]
    m_at = business_time.add_for_groups(
        group0[merged], created[merged], lognormal_minutes(rng, np.full(merged.sum(), 60.0), 0.8)
    )
    m_agent = _pick_agent(rng, users, group0[merged])
    ev.field(m_idx, F_ASSIGNEE, m_agent, m_at, m_agent)
    ev.field(m_idx, F_STATUS, CLOSED, m_at, m_agent)
    ev.comment(m_idx, m_agent, False, 0, m_at, K_MERGE)

    # ---- regular tickets
    r_idx = tid[regular]
    nr = len(r_idx)
    g0 = group0[regular]
    pr0 = priority0[regular]
    t0 = created[regular]
    hl = health[regular]
    tt = ttype[regular]
    ch = channel[regular]
    req = requester[regular]
    k_cdf = np.cumsum(np.array([REPLY_P[t] for t in range(4)]), axis=1)
    k = 1 + (rng.random(nr)[:, None] > k_cdf[tt]).sum(axis=1)
    k = np.minimum(k + ((hl < -1.0) & (rng.random(nr) < 0.35)), 6)
    # load: tickets per group-day against that group's average day -> slower replies
    day = (t0 - WINDOW_START) // DAY
    key = g0 * 2000 + day
    uniq, inv, cnt = np.unique(key, return_inverse=True, return_counts=True)
    mean_per_group = np.bincount(uniq // 2000, weights=cnt, minlength=4) / np.maximum(
        np.bincount(uniq // 2000, minlength=4), 1
    )
    load = (cnt[inv] / mean_per_group[g0]) ** 0.45
    cut_policy = np.datetime64(reference.POLICY_CHANGE).astype("datetime64[s]").astype(np.int64)
    cut_sched = np.datetime64(reference.SCHEDULE_CHANGE).astype("datetime64[s]").astype(np.int64)
    speed = GROUP_SPEED[g0] * np.where((g0 == reference.AMERICAS) & (t0 >= cut_sched), 0.8, 1.0)
    speed = speed * np.where(t0 >= cut_policy, 0.78, 1.0) * load * np.exp(-0.18 * hl)
    speed = speed * np.where(ch == 2, 0.2, np.where(ch == 3, 0.15, 1.0))
    speed = speed * np.where(seg[regular] == 2, 0.7, 1.0)  # enterprise queues are worked first
    urgent = pr0 == 3
    d1 = lognormal_minutes(rng, FIRST_REPLY_MEDIAN[pr0] * speed, 0.95)
    r1_biz = business_time.add_for_groups(g0, t0, d1)
    r1 = np.where(urgent, t0 + (d1 * MINUTE).astype(np.int64), r1_biz)
    r1 = np.maximum(r1 + rng.integers(0, 59, nr), t0 + 3 * MINUTE)
    a1 = t0 + MINUTE + ((r1 - t0 - 2 * MINUTE) * rng.uniform(0.05, 0.95, nr)).astype(np.int64)
    assignee = _pick_agent(rng, users, g0)
    # admins answer a few tickets themselves (they count as agents)
    by_admin = rng.random(nr) < 0.015
    assignee = np.where(by_admin, rng.choice(ADMIN_USERS, nr), assignee)
    ev.field(r_idx, F_STATUS, OPEN, a1, assignee)
    ev.field(r_idx, F_ASSIGNEE, assignee, a1, assignee)
    # priority corrected at first touch for some tickets (usually raised)
    pchange = rng.random(nr) < 0.07
    new_pr = np.where(pr0 < 3, pr0 + 1, 2)
    new_pr = np.where((pr0 > 0) & (rng.random(nr) < 0.3), pr0 - 1, new_pr)
    ev.field(r_idx[pchange], F_PRIORITY, new_pr[pchange], a1[pchange], assignee[pchange])
    priority = np.where(pchange, new_pr, pr0)
    # the named SLA policy: applied at creation (Enterprise for enterprise accounts), and moved
    # to the other policy for a few tickets, half before the first reply (the helpdesk
    # re-targets the running first-response clock), half after it
    policy0 = np.where(seg[regular] == 2, reference.ENTERPRISE, reference.STANDARD)
    ev.field(r_idx, F_SLA_POLICY, policy0, t0, req)
    moved = rng.random(nr) < 0.04
    moved_at = np.where(rng.random(nr) < 0.5, a1, r1 + 30 * MINUTE)
    ev.field(r_idx[moved], F_SLA_POLICY, 1 - policy0[moved], moved_at[moved], assignee[moved])
    policy_at_r1 = np.where(moved & (moved_at <= r1), 1 - policy0, policy0)
    # internal note before the first reply for some
    note = (rng.random(nr) < 0.22) & (r1 - a1 > 4 * MINUTE)
    note_at = a1 + ((r1 - a1) * rng.uniform(0.2, 0.8, nr)).astype(np.int64)
    ev.comment(r_idx[note], assignee[note], False, 0, note_at[note], K_NOTE)

    # escalation plan
    esc_p = np.array([0.05, 0.22, 0.38, 0.08])[tt]
    esc2 = (k >= 2) & (rng.random(nr) < esc_p)
    esc3 = esc2 & (tt != 0) & (rng.random(nr) < 0.35)
    esc_round = 1 + (rng.random(nr) * np.maximum(k - 1, 1)).astype(np.int64)
    silent = (k >= 2) & (rng.random(nr) < 0.05)
    silent_round = 1 + (rng.random(nr) * np.maximum(k - 1, 1)).astype(np.int64)
    k_eff = np.where(silent, np.minimum(silent_round, k), k)
    silent &= silent_round < k
    group = g0.copy()
    via_agent = np.where(ch == 2, 2, np.where(ch == 3, 3, 0))
    via_user = VIA_OF_CHANNEL[ch]
    reply_at = r1
    solve_at = np.full(nr, NULL_TIME)
    solver = assignee.copy()
    replies = np.zeros(nr, np.int64)
    for j in range(1, 7):
        act = k_eff >= j
        if not act.any():
            break
        ai = np.flatnonzero(act)
        at = reply_at[ai]
        ev.comment(r_idx[ai], assignee[ai], True, via_agent[ai], at, K_REPLY)
        replies[ai] += 1
        last = k_eff[ai] == j
        sil = silent[ai] & last
        # status after the reply: pending (waiting on the customer) or solved
        solved_now = last & ~sil
        ev.field(r_idx[ai], F_STATUS, np.where(solved_now, SOLVED, PENDING), at, assignee[ai])
        solve_at[ai[solved_now]] = at[solved_now]
        solver[ai[solved_now]] = assignee[ai[solved_now]]
        # customer went silent: automation solves the pending ticket a week later
        si = ai[sil]
        s_at = reply_at[si] + 7 * DAY
        ev.field(r_idx[si], F_STATUS, SOLVED, s_at, AUTOMATION_USER)
        ev.comment(r_idx[si], AUTOMATION_USER, True, 5, s_at, K_AUTO_SOLVE)
        solve_at[si] = s_at
        solver[si] = AUTOMATION_USER
        cont = ai[~last]
        if cont.size == 0:
            continue
        # escalation after this reply
        e2 = cont[esc2[cont] & (esc_round[cont] == j)]
        e3 = e2[esc3[e2]]
        e2only = e2[~esc3[e2]]
        x = reply_at[e2] + rng.integers(2, 25, e2.size) * MINUTE
        ev.comment(r_idx[e2], assignee[e2], False, 0, x, K_ESC)
        new_group = np.where(esc3[e2], reference.ENG, reference.TECH)
        new_agent = _pick_agent(rng, users, new_group)
        ev.field(r_idx[e2], F_GROUP, new_group, x + 30, assignee[e2])
        ev.field(r_idx[e2], F_ASSIGNEE, new_agent, x + 30, assignee[e2])
        group[e2] = new_group
        assignee[e2] = new_agent
        # tier 3: on hold while engineering investigates; the customer is not asked
        x3 = x[esc3[e2]] + 30
        ev.field(r_idx[e3], F_STATUS, ON_HOLD, x3 + 60, assignee[e3])
        hold = lognormal_minutes(rng, np.full(e3.size, 900.0), 0.8)
        back = business_time.add_for_groups(group[e3], x3 + 120, hold)
        ev.field(r_idx[e3], F_STATUS, OPEN, back, assignee[e3])
        nxt3 = business_time.add_for_groups(
            group[e3], back, lognormal_minutes(rng, np.full(e3.size, 60.0), 0.7)
        )
        reply_at[e3] = np.maximum(nxt3, back + 2 * MINUTE)
        # everyone else: the customer answers, which reopens the wait
        w = np.setdiff1d(cont, e3, assume_unique=True)
        if w.size:
            wait = lognormal_minutes(rng, np.full(w.size, 240.0), 1.3)
            u_at = reply_at[w] + np.maximum((wait * MINUTE).astype(np.int64), 2 * MINUTE)
            u_at = np.where(np.isin(w, e2only), np.maximum(u_at, reply_at[w] + 60 * MINUTE), u_at)
            ev.comment(r_idx[w], req[w], True, via_user[w], u_at, K_USER)
            ev.field(r_idx[w], F_STATUS, OPEN, u_at, req[w])
            d = lognormal_minutes(rng, NEXT_REPLY_MEDIAN[priority[w]] * speed[w], 0.9)
            nxt = np.where(
                priority[w] == 3,
                u_at + (d * MINUTE).astype(np.int64),
                business_time.add_for_groups(group[w], u_at, d),
            )
            nxt = np.maximum(nxt + rng.integers(0, 59, w.size), u_at + 2 * MINUTE)
            # the agent goes quiet for a day now and then (periodic-update breaches)
            nxt = np.where(rng.random(w.size) < 0.04, nxt + DAY, nxt)
            # a follow-up from the customer while still waiting
            fu = rng.random(w.size) < 0.3
            fu_at = u_at + (lognormal_minutes(rng, np.full(w.size, 20.0), 0.9) * MINUTE).astype(
                np.int64
            )
            fu &= fu_at < nxt - MINUTE
            ev.comment(r_idx[w[fu]], req[w[fu]], True, via_user[w[fu]], fu_at[fu], K_FOLLOW)
            # the agent leaves an internal note while working on the answer
            nt = (rng.random(w.size) < 0.18) & (nxt - u_at > 6 * MINUTE)
            nt_at = u_at + ((nxt - u_at) * rng.uniform(0.3, 0.9, w.size)).astype(np.int64)
            nt &= nt_at != fu_at
            ev.comment(r_idx[w[nt]], assignee[w[nt]], False, 0, nt_at[nt], K_NOTE)
            reply_at[w] = nxt
    # after the solve: a thank-you (opens no wait), reopens, closing
    solved = solve_at != NULL_TIME
    reopen = solved & (rng.random(nr) < 0.07 * np.exp(-0.25 * hl))
    ro_delay = np.clip(lognormal_minutes(rng, np.full(nr, 900.0), 1.0), 10, 3.4 * 1440)
    ro_at = solve_at + (ro_delay * MINUTE).astype(np.int64)
    thanks = solved & (rng.random(nr) < 0.3)
    th_delay = np.clip(lognormal_minutes(rng, np.full(nr, 90.0), 1.2), 1, 3.4 * 1440)
    th_at = solve_at + (th_delay * MINUTE).astype(np.int64)
    th_at = np.where(reopen, solve_at + ((ro_at - solve_at) * 0.5).astype(np.int64), th_at)
    ev.comment(r_idx[thanks], req[thanks], True, via_user[thanks], th_at[thanks], K_THANKS)
    ri = np.flatnonzero(reopen)
    ev.comment(r_idx[ri], req[ri], True, via_user[ri], ro_at[ri], K_REOPEN)
    ev.field(r_idx[ri], F_STATUS, OPEN, ro_at[ri], req[ri])
    agent_ri = np.where(
        assignee[ri] == AUTOMATION_USER, _pick_agent(rng, users, group[ri]), assignee[ri]
    )
    d = lognormal_minutes(rng, NEXT_REPLY_MEDIAN[priority[ri]] * speed[ri], 0.9)
    r2 = np.maximum(business_time.add_for_groups(group[ri], ro_at[ri], d), ro_at[ri] + 2 * MINUTE)
    ev.comment(r_idx[ri], agent_ri, True, via_agent[ri], r2, K_REPLY)
    ev.field(r_idx[ri], F_STATUS, SOLVED, r2, agent_ri)
    replies[ri] += 1
    first_solve = solve_at.copy()
    solve_at[ri] = r2
    si = np.flatnonzero(solved)
    ev.field(r_idx[si], F_STATUS, CLOSED, solve_at[si] + 4 * DAY, AUTOMATION_USER)

    hist, comm = ev.arrays()
    # cut everything after the end of the window (the backlog stays open)
    hk = hist["at"] < WINDOW_END
    hist = {k_: v[hk] for k_, v in hist.items()}
    ck = comm["at"] < WINDOW_END
    comm = {k_: v[ck] for k_, v in comm.items()}
    # history ordered by ticket, time, field: one int64 sort key instead of a lexsort
    rel = hist["at"] - (WINDOW_START - 2 * DAY)  # < 2**29 seconds (17 years)
    key = (hist["ticket"].astype(np.int64) << 32) | (rel << 3) | hist["field"].astype(np.int64)
    ho = np.argsort(key, kind="stable")
    del key, rel
    hist = {k_: v[ho] for k_, v in hist.items()}
    del ho
    # current state = last value of each field (the last of its rows in that order)
    cur = np.full((n, 4), -1, dtype=np.int64)
    for f in range(4):
        rows = np.flatnonzero(hist["field"] == f)
        t_f = hist["ticket"][rows]
        last = rows[np.append(t_f[1:] != t_f[:-1], True)]
        cur[hist["ticket"][last], f] = hist["value"][last]
    last_row = np.append(hist["ticket"][1:] != hist["ticket"][:-1], True)
    updated = np.full(n, WINDOW_START, dtype=np.int64)
    updated[hist["ticket"][last_row]] = hist["at"][last_row]
    np.maximum.at(updated, comm["ticket"], comm["at"])
    co = np.argsort(comm["at"] * 16 + comm["kind"], kind="stable")
    comm = {k_: v[co] for k_, v in comm.items()}

    tickets = {
        "ticket": tid,
        "customer": customer,
        "requester": requester,
        "assignee": cur[:, F_ASSIGNEE],
        "group": cur[:, F_GROUP],
        "channel": channel,
        "priority": cur[:, F_PRIORITY],
        "type": ttype,
        "status": cur[:, F_STATUS],
        "created_at": created,
        "updated_at": updated,
        "is_deleted": spam,
        "merged_into": merged_into,
    }
    # ---- satisfaction
    solved_final = np.isin(cur[r_idx, F_STATUS], [SOLVED, CLOSED])
    fr_target = _policy_targets(policy_at_r1, pr0, r1, 0)
    fr_biz = np.where(urgent, (r1 - t0) / MINUTE, d1)
    breach = fr_biz > fr_target
    reopened = reopen & (ro_at < WINDOW_END)
    eligible = solved_final & ~internal[regular] & (solve_at < WINDOW_END)
    responses = _surveys(
        rng,
        billing,
        users,
        r_idx,
        customer[regular],
        req,
        solve_at,
        eligible,
        breach,
        replies,
        reopened,
        hl,
        before_churn[r_idx],
    )
    tickets["first_reply_breached"] = np.zeros(n, bool)
    tickets["first_reply_breached"][r_idx] = breach & (r1 < WINDOW_END)
    tickets["first_solve_at"] = np.full(n, NULL_TIME)
    tickets["first_solve_at"][r_idx] = first_solve
    return Helpdesk(users, tickets, comm, hist, responses)


def _surveys(
    rng,
    billing,
    users,
    r_idx,
    customer,
    requester,
    solve_at,
    eligible,
    breach,
    replies,
    reopened,
    health,
    before_churn,
):
    n = len(r_idx)
    cust = billing.customers
    out = {k: [] for k in ("survey", "ticket", "customer", "user", "score", "at")}

    def add(mask, survey, score, at):
        out["survey"].append(np.full(mask.sum(), survey))
        out["ticket"].append(r_idx[mask])
        out["customer"].append(customer[mask])
        out["user"].append(requester[mask])
        out["score"].append(score[mask])
        out["at"].append(at[mask])

    noise = rng.normal(0, 0.85, n)
    csat = np.clip(
        np.rint(
            4.8
            - 1.0 * breach
            - 0.2 * (replies - 1)
            - 1.0 * reopened
            - 1.0 * before_churn
            + 0.35 * health
            + noise
        ),
        1,
        5,
    ).astype(np.int64)
    csat_at = solve_at + (lognormal_minutes(rng, np.full(n, 300.0), 1.1) * MINUTE).astype(np.int64)
    ask = eligible & (rng.random(n) < 0.22) & (csat_at < WINDOW_END)
    add(ask, 0, csat, csat_at)
    ces = np.clip(
        np.rint(
            5.9
            - 0.9 * breach
            - 0.4 * (replies - 1)
            - 1.1 * reopened
            + 0.3 * health
            + rng.normal(0, 1.1, n)
        ),
        1,
        7,
    ).astype(np.int64)
    ces_at = csat_at + rng.integers(5, 600, n)
    ask2 = eligible & (rng.random(n) < 0.12) & (ces_at < WINDOW_END)
    add(ask2, 1, ces, ces_at)
    # NPS: per account a few times a year while subscribed; no ticket
    account_breach = np.bincount(customer, weights=breach, minlength=cust.n) / np.maximum(
        np.bincount(customer, minlength=cust.n), 1
    )
    sp = billing.spans
    n_surveys = rng.poisson((sp["end"] - sp["start"]) / (120 * DAY))
    s = np.repeat(np.arange(len(sp["customer"])), n_surveys)
    c = sp["customer"][s]
    at = sp["start"][s] + (rng.random(len(s)) * (sp["end"][s] - sp["start"][s])).astype(np.int64)
    at = np.minimum(at + 30 * DAY, sp["end"][s] - HOUR)
    keep = at < WINDOW_END
    s, c, at = s[keep], c[keep], at[keep]
    leaving = (sp["end"][s] < WINDOW_END) & (sp["end"][s] - at < PRE_CHURN_DAYS * DAY)
    score = np.clip(
        np.rint(
            8.1
            + 1.5 * cust.health[c]
            + 3.0 * (cust.adoption[c] - 0.6)
            - 4.0 * account_breach[c]
            - 2.5 * leaving
            + rng.normal(0, 1.7, len(c))
        ),
        0,
        10,
    )
    user = users.first_end_user[c] + (rng.random(len(c)) * users.n_end_users[c]).astype(np.int64)
    out["survey"].append(np.full(len(c), 2))
    out["ticket"].append(np.full(len(c), -1))
    out["customer"].append(c)
    out["user"].append(user)
    out["score"].append(score.astype(np.int64))
    out["at"].append(at)
    res = {k: np.concatenate(v) for k, v in out.items()}
    order = np.argsort(res["at"], kind="stable")
    return {k: v[order] for k, v in res.items()}
