{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=["{{ support_delete_affected_tickets() }}"]
) }}
{#-
  One row per in-scope ticket: the instants and counts that ticket metrics and
  SLA clocks start and stop on (first agent reply, first and last solve, status
  and priority at the evaluation time, replies, reopens, time per status).

  Incremental (docs/incremental.md): a run recomputes the tickets of
  int_support__affected_tickets and keeps the rows of the others.
-#}
{{ support_incremental_depends_on(['int_support__incremental_scope', 'int_support__affected_tickets']) }}
{%- set scope = support_incremental_scope(is_incremental()) %}
with evaluation as (
    select as_of from {{ ref('int_support__evaluation_time') }}
),

replies as (
    select
        ticket_id,
        min(created_at) as first_reply_at,
        cast(count(*) as bigint) as agent_replies
    from {{ ref('int_support__ticket_comments') }}
    where is_agent_reply
        and {{ support_ticket_in_scope(scope, 'ticket_id') }}
    group by ticket_id
),

first_replier as (
    select ticket_id, author_id as first_reply_author_id
    from (
        select
            ticket_id,
            author_id,
            row_number() over (partition by ticket_id order by created_at, comment_id) as reply_rank
        from {{ ref('int_support__ticket_comments') }}
        where is_agent_reply
            and {{ support_ticket_in_scope(scope, 'ticket_id') }}
    ) as ranked
    where reply_rank = 1
),

status_summary as (
    select
        ticket_id,
        min(case when is_solve then started_at end) as first_solved_at,
        max(case when is_solve then started_at end) as last_solved_at,
        max(case when status = 'closed' then started_at end) as last_closed_at,
        max(case when valid_until is null then status end) as status_at_as_of,
        cast(sum(case when is_reopen then 1 else 0 end) as bigint) as reopens,
        cast(sum(case when counts_for_requester_wait then calendar_seconds else 0 end) as bigint) as requester_wait_calendar_seconds,
        cast(sum(case when counts_for_requester_wait then business_seconds else 0 end) as bigint) as requester_wait_business_seconds,
        cast(sum(case when status in ('new', 'open') then calendar_seconds else 0 end) as bigint) as agent_work_calendar_seconds,
        cast(sum(case when status in ('new', 'open') then business_seconds else 0 end) as bigint) as agent_work_business_seconds,
        cast(sum(case when status = 'on_hold' then calendar_seconds else 0 end) as bigint) as on_hold_calendar_seconds,
        cast(sum(case when status = 'on_hold' then business_seconds else 0 end) as bigint) as on_hold_business_seconds,
        cast(sum(case when status = 'pending' then calendar_seconds else 0 end) as bigint) as pending_calendar_seconds,
        cast(sum(case when status = 'pending' then business_seconds else 0 end) as bigint) as pending_business_seconds
    from {{ ref('int_support__ticket_status_spans') }}
    where {{ support_ticket_in_scope(scope, 'ticket_id') }}
    group by ticket_id
),

last_solve_by as (
    select ticket_id, changed_by_user_id as last_solved_by_user_id
    from (
        select
            ticket_id,
            changed_by_user_id,
            row_number() over (partition by ticket_id order by started_at desc) as solve_rank
        from {{ ref('int_support__ticket_status_spans') }}
        where is_solve
            and {{ support_ticket_in_scope(scope, 'ticket_id') }}
    ) as ranked
    where solve_rank = 1
),

priority_now as (
    select ticket_id, priority as priority_at_as_of
    from {{ ref('int_support__ticket_priority_spans') }}
    where valid_until is null
        and {{ support_ticket_in_scope(scope, 'ticket_id') }}
)

select
    t.ticket_id,
    t.schedule_id,
    t.created_at,
    replies.first_reply_at,
    first_replier.first_reply_author_id,
    coalesce(replies.agent_replies, 0) as agent_replies,
    s.first_solved_at,
    s.status_at_as_of,
    s.status_at_as_of in ('solved', 'closed') as is_solved,
    case when s.status_at_as_of in ('solved', 'closed') then s.last_solved_at end as last_solved_at,
    case when s.status_at_as_of in ('solved', 'closed') then coalesce(s.last_solved_at, s.last_closed_at) end as resolved_at,
    case when s.status_at_as_of in ('solved', 'closed') then ls.last_solved_by_user_id end as last_solved_by_user_id,
    coalesce(p.priority_at_as_of, t.ticket_row_priority) as priority_at_as_of,
    s.reopens,
    s.requester_wait_calendar_seconds,
    s.requester_wait_business_seconds,
    s.agent_work_calendar_seconds,
    s.agent_work_business_seconds,
    s.on_hold_calendar_seconds,
    s.on_hold_business_seconds,
    s.pending_calendar_seconds,
    s.pending_business_seconds
from {{ ref('int_support__tickets') }} as t
left join replies on replies.ticket_id = t.ticket_id
left join first_replier on first_replier.ticket_id = t.ticket_id
left join status_summary as s on s.ticket_id = t.ticket_id
left join priority_now as p on p.ticket_id = t.ticket_id
left join last_solve_by as ls on ls.ticket_id = t.ticket_id
where {{ support_ticket_in_scope(scope, 't.ticket_id') }}
