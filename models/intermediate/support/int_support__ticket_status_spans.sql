{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=["{{ support_delete_affected_tickets() }}", business_time_session()],
    post_hook=["{{ support_refresh_open_status_spans() }}"]
) }}
{#-
  One row per ticket × status span [started_at, ended_at): the ticket's status
  history as intervals, with calendar and business seconds of each span.
  The last span of a ticket is still open (valid_until NULL) and counts up to
  the evaluation time.

  From ticket_field_history (field status), consecutive repeats of one value
  collapsed. Missing history is repaired, documented in the decision log:
  - the first recorded status change is after created_at, or there is none:
    the ticket is `new` from created_at (every ticket is created new);
  - no status history at all and a current status other than new: the current
    status (tickets.status) applies from tickets.updated_at, the best evidence
    of when it was set.

  Incremental (docs/incremental.md): a run recomputes the tickets of
  int_support__affected_tickets; the post-hook moves the still-open last span
  of every other ticket (valid_until NULL) to the new evaluation time.
-#}
{{ support_incremental_depends_on(['int_support__incremental_scope', 'int_support__affected_tickets']) }}
{%- set scope = support_incremental_scope(is_incremental()) %}
with evaluation as (
    select as_of from {{ ref('int_support__evaluation_time') }}
),

tickets as (
    select ticket_id, created_at, updated_at, ticket_row_status, schedule_id
    from {{ ref('int_support__tickets') }}
    where {{ support_ticket_in_scope(scope, 'ticket_id') }}
),

recorded_changes as (
    select h.ticket_id, h.value as status, h.updated_at as changed_at, h.updater_id
    from {{ ref('stg_helpdesk__ticket_field_history') }} as h
    inner join tickets on tickets.ticket_id = h.ticket_id
    cross join evaluation
    where h.field_name = 'status'
        and h.updated_at <= evaluation.as_of
),

first_recorded as (
    select ticket_id, min(changed_at) as first_changed_at
    from recorded_changes
    group by ticket_id
),

repaired_initial as (
    select tickets.ticket_id, 'new' as status, tickets.created_at as changed_at, cast(null as {{ dbt.type_string() }}) as updater_id
    from tickets
    left join first_recorded on first_recorded.ticket_id = tickets.ticket_id
    where first_recorded.ticket_id is null
        or first_recorded.first_changed_at > tickets.created_at
),

repaired_current as (
    select tickets.ticket_id, tickets.ticket_row_status as status, tickets.updated_at as changed_at, cast(null as {{ dbt.type_string() }}) as updater_id
    from tickets
    cross join evaluation
    left join first_recorded on first_recorded.ticket_id = tickets.ticket_id
    where first_recorded.ticket_id is null
        and tickets.ticket_row_status <> 'new'
        and tickets.updated_at > tickets.created_at
        and tickets.updated_at <= evaluation.as_of
),

all_changes as (
    select ticket_id, status, changed_at, updater_id, 'field history' as span_source from recorded_changes
    union all
    select ticket_id, status, changed_at, updater_id, 'repaired: created as new' from repaired_initial
    union all
    select ticket_id, status, changed_at, updater_id, 'repaired: current status from updated_at' from repaired_current
),

with_previous as (
    select
        all_changes.*,
        lag(status) over (partition by ticket_id order by changed_at) as previous_value
    from all_changes
),

changes as (
    select ticket_id, status, changed_at, updater_id, span_source
    from with_previous
    where previous_value is null or previous_value <> status
),

spans as (
    select
        ticket_id,
        status,
        lag(status) over (partition by ticket_id order by changed_at) as previous_status,
        row_number() over (partition by ticket_id order by changed_at) as span_number,
        changed_at as started_at,
        lead(changed_at) over (partition by ticket_id order by changed_at) as valid_until,
        updater_id as changed_by_user_id,
        span_source
    from changes
),

clocked as (
    select
        spans.ticket_id,
        spans.span_number,
        spans.status,
        spans.previous_status,
        spans.started_at,
        spans.valid_until,
        coalesce(spans.valid_until, evaluation.as_of) as ended_at,
        spans.changed_by_user_id,
        spans.span_source,
        tickets.schedule_id
    from spans
    inner join tickets on tickets.ticket_id = spans.ticket_id
    cross join evaluation
)

select
    clocked.ticket_id,
    clocked.span_number,
    clocked.status,
    clocked.previous_status,
    clocked.status = 'solved' as is_solve,
    coalesce(clocked.previous_status = 'solved' and clocked.status not in ('solved', 'closed'), false) as is_reopen,
    clocked.status in ('new', 'open', 'on_hold') as counts_for_requester_wait,
    clocked.started_at,
    clocked.valid_until,
    clocked.ended_at,
    clocked.changed_by_user_id,
    clocked.span_source,
    clocked.schedule_id,
    cast({{ dbt.datediff('clocked.started_at', 'clocked.ended_at', 'second') }} as bigint) as calendar_seconds,
    cast({{ business_seconds_at('cal_end', 'clocked.ended_at') }} - {{ business_seconds_at('cal_start', 'clocked.started_at') }} as bigint) as business_seconds,
    {{ business_seconds_at('cal_start', 'clocked.started_at') }} as business_cumulative_at_start
from clocked
{{ business_calendar_lookup('cal_start', 'clocked.schedule_id', 'clocked.started_at') }}
{{ business_calendar_lookup('cal_end', 'clocked.schedule_id', 'clocked.ended_at') }}
