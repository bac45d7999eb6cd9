{#-
  What the last successful run processed, one row per watched raw helpdesk
  table (docs/incremental.md): the newest `_loaded_at` and the row count seen
  when the run started, the evaluation time and the business calendar's first
  date. Built last, after every support mart, so a run that fails part-way
  leaves the previous state and the next run reprocesses from there.
  int_support__incremental_window of the next run reads it.
-#}
-- depends_on: {{ ref('int_support__unfinished_tickets') }}
select
    w.raw_table,
    w.loaded_through,
    w.row_count,
    w.rows_before_next_window,
    e.as_of,
    c.calendar_first_date,
    w.recompute_reason as built_with_recompute_reason,
    {{ dbt.current_timestamp() }} as recorded_at
from {{ ref('int_support__incremental_window') }} as w
cross join {{ ref('int_support__evaluation_time') }} as e
cross join (
    select min(local_date) as calendar_first_date
    from {{ ref('int_support__business_calendar') }}
) as c
