{#-
  The tickets an incremental run recomputes (docs/incremental.md), one row
  each: every ticket with a raw row landed in the load window
  (int_support__incremental_window) — the ticket row itself, a comment (all
  tickets any landing of that comment_id names), a field change, a survey
  answer — or whose requester or a comment author had a user row landed
  in the window; plus every ticket that was not final at the previous run
  (int_support__unfinished_tickets of that run: still open, or with a clock
  still running), because its figures count up to the evaluation time, which
  moves. Read from the raw tables, so a row quarantined now but staged before
  (or the reverse) is covered too.

  earliest_day is the first UTC day whose daily aggregates the ticket can
  change: the earliest created_at of any landing of the ticket (every figure
  of a ticket is counted on or after its creation day). A ticket recomputed
  only because it was unfinished changes only days from the previous
  evaluation time on (int_support__incremental_scope adds that day), or from
  the breach_at day of a clock that was exactly on target (earliest_moving_day).
  Empty on a run that recomputes everything.
-#}
{%- set unfinished = support_previous_relation('int_support__unfinished_tickets') -%}
with landed_comment_ids as (
    select distinct comment_id
    from {{ source('raw_helpdesk', 'ticket_comments') }}
    where _loaded_at >= {{ support_window_start('ticket_comments') }}
        and comment_id is not null
),

landed_response_ids as (
    select distinct response_id
    from {{ source('raw_helpdesk', 'satisfaction_responses') }}
    where _loaded_at >= {{ support_window_start('satisfaction_responses') }}
        and response_id is not null
),

landed_users as (
    select distinct user_id
    from {{ source('raw_helpdesk', 'users') }}
    where _loaded_at >= {{ support_window_start('users') }}
        and user_id is not null
),

touched as (
    select ticket_id
    from {{ source('raw_helpdesk', 'tickets') }}
    where _loaded_at >= {{ support_window_start('tickets') }}
    union all
    select c.ticket_id
    from {{ source('raw_helpdesk', 'ticket_comments') }} as c
    inner join landed_comment_ids as l on l.comment_id = c.comment_id
    union all
    select ticket_id
    from {{ source('raw_helpdesk', 'ticket_field_history') }}
    where _loaded_at >= {{ support_window_start('ticket_field_history') }}
    union all
    select r.ticket_id
    from {{ source('raw_helpdesk', 'satisfaction_responses') }} as r
    inner join landed_response_ids as l on l.response_id = r.response_id
    union all
    select t.ticket_id
    from {{ source('raw_helpdesk', 'tickets') }} as t
    inner join landed_users as u on u.user_id = t.requester_id
    union all
    select c.ticket_id
    from {{ source('raw_helpdesk', 'ticket_comments') }} as c
    inner join landed_users as u on u.user_id = c.author_id
),

touched_tickets as (
    select distinct cast(ticket_id as {{ dbt.type_string() }}) as ticket_id
    from touched
    where ticket_id is not null
),

touched_with_days as (
    select
        touched_tickets.ticket_id,
        min(cast(cast(t.created_at as timestamp) as date)) as earliest_day
    from touched_tickets
    left join {{ source('raw_helpdesk', 'tickets') }} as t
        on cast(t.ticket_id as {{ dbt.type_string() }}) = touched_tickets.ticket_id
    group by touched_tickets.ticket_id
),

previously_unfinished as (
    {%- if unfinished is not none %}
    {%- set columns = adapter.get_columns_in_relation(unfinished) | map(attribute='name') | list %}
    select ticket_id, {{ 'earliest_moving_day' if 'earliest_moving_day' in columns else 'cast(null as date)' }} as earliest_moving_day
    from {{ unfinished }}
    {%- else %}
    select cast(null as {{ dbt.type_string() }}) as ticket_id, cast(null as date) as earliest_moving_day
    where 1 = 0
    {%- endif %}
)

select
    coalesce(t.ticket_id, u.ticket_id) as ticket_id,
    t.ticket_id is not null as has_rows_in_window,
    u.ticket_id is not null as was_unfinished,
    case
        when t.earliest_day is null then u.earliest_moving_day
        when u.earliest_moving_day is null then t.earliest_day
        else least(t.earliest_day, u.earliest_moving_day)
    end as earliest_day
from touched_with_days as t
full outer join previously_unfinished as u
    on u.ticket_id = t.ticket_id
cross join (
    select count(*) as tables_to_recompute
    from {{ ref('int_support__incremental_window') }}
    where recompute_reason is not null
) as window_check
where window_check.tables_to_recompute = 0
