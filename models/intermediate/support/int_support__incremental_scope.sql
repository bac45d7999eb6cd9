{#-
  The decision of this run, one row (docs/incremental.md): recompute_all when
  the run cannot be incremental (the first reason found is given), otherwise
  the per-ticket models recompute int_support__affected_tickets and the daily
  aggregates every day from earliest_affected_day on. Besides the reasons of
  int_support__incremental_window, everything is recomputed when the
  evaluation time moved back (a newest event was quarantined or removed) or
  the business calendar's first date moved (its cumulative seconds, stored in
  int_support__ticket_status_spans, would shift).
-#}
with window_reasons as (
    select min(recompute_reason) as recompute_reason, max(previous_as_of) as previous_as_of,
        max(previous_calendar_first_date) as previous_calendar_first_date
    from {{ ref('int_support__incremental_window') }}
),

evaluation as (
    select as_of from {{ ref('int_support__evaluation_time') }}
),

calendar_start as (
    select min(local_date) as calendar_first_date
    from {{ ref('int_support__business_calendar') }}
),

affected as (
    select
        cast(count(*) as bigint) as affected_tickets,
        cast(sum(case when has_rows_in_window then 1 else 0 end) as bigint) as tickets_with_rows_in_window,
        min(earliest_day) as earliest_ticket_day
    from {{ ref('int_support__affected_tickets') }}
),

-- NPS answers have no ticket: the days of every landing of an answer landed in the window
survey_days as (
    select min(cast(cast(r.responded_at as timestamp) as date)) as earliest_survey_day
    from {{ source('raw_helpdesk', 'satisfaction_responses') }} as r
    where r.response_id in (
        select response_id
        from {{ source('raw_helpdesk', 'satisfaction_responses') }}
        where _loaded_at >= (
            select window_start from {{ ref('int_support__incremental_window') }}
            where raw_table = 'satisfaction_responses'
        )
    )
),

decided as (
    select
        coalesce(
            w.recompute_reason,
            case when e.as_of < w.previous_as_of then 'evaluation time moved back' end,
            case when c.calendar_first_date is distinct from w.previous_calendar_first_date
                then 'business calendar start moved' end
        ) as recompute_reason,
        e.as_of,
        w.previous_as_of,
        a.affected_tickets,
        a.tickets_with_rows_in_window,
        least(
            cast(w.previous_as_of as date),
            coalesce(a.earliest_ticket_day, cast(w.previous_as_of as date)),
            coalesce(s.earliest_survey_day, cast(w.previous_as_of as date))
        ) as earliest_affected_day
    from window_reasons as w
    cross join evaluation as e
    cross join calendar_start as c
    cross join affected as a
    cross join survey_days as s
)

select
    recompute_reason is not null as recompute_all,
    recompute_reason,
    as_of,
    previous_as_of,
    affected_tickets,
    tickets_with_rows_in_window,
    case when recompute_reason is null then earliest_affected_day end as earliest_affected_day
from decided
