{#-
  The load window of this run, one row per watched raw helpdesk table
  (docs/incremental.md). Built first: the incremental audits and
  int_support__affected_tickets read it.

  window_start = the table's newest `_loaded_at` seen by the previous
  successful run (int_support__incremental_state) minus var
  incremental_lookback_hours: rows landed from then on are reprocessed, so a
  row whose `_loaded_at` is a little older than the previous high-water mark
  (a loader that commits late) is still picked up. recompute_reason is set
  when this run cannot be incremental for that table: no previous state (or
  --full-refresh), raw rows removed (a reload with --mode replace), a
  reference table changed, an agent or admin user changed, var as_of set, or
  rows landed since the previous run with a `_loaded_at` before this run's
  window (a backfill): the previous run counted the rows older than this
  window's start (rows_before_next_window); more of them now means rows this
  window would miss, so the table is reprocessed whole.
-#}
{%- set state = support_previous_relation('int_support__incremental_state') -%}
{%- set lookback_hours = support_incremental_lookback_hours() -%}
{#- a state written before rows_before_next_window existed cannot detect a backfill: recompute -#}
{%- set state_counts_old_rows = state is not none and execute
    and 'rows_before_next_window' in (adapter.get_columns_in_relation(state) | map(attribute='name') | map('lower') | list) -%}
with landed as (
    {%- for raw_table in support_incremental_raw_tables() %}
    select
        '{{ raw_table }}' as raw_table,
        max(_loaded_at) as loaded_through,
        cast(count(*) as bigint) as row_count,
        -- rows older than this run's window start (the previous high-water mark − lookback)
        cast(coalesce(sum(case when _loaded_at < (
            {%- if state is not none and not flags.FULL_REFRESH %}
            select {{ dbt.dateadd('hour', -lookback_hours, 'p.loaded_through') }}
            from {{ state }} as p
            where p.raw_table = '{{ raw_table }}'
            {%- else %}
            select cast(null as timestamp)
            {%- endif %}
        ) then 1 else 0 end), 0) as bigint) as rows_before_window,
        -- rows older than the next run's window start (this high-water mark − lookback)
        cast(coalesce(sum(case when _loaded_at < (
            select {{ dbt.dateadd('hour', -lookback_hours, 'max(_loaded_at)') }}
            from {{ source('raw_helpdesk', raw_table) }}
        ) then 1 else 0 end), 0) as bigint) as rows_before_next_window
    from {{ source('raw_helpdesk', raw_table) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

previous as (
    {%- if state is not none and not flags.FULL_REFRESH %}
    select raw_table, loaded_through, row_count,
        {{ 'rows_before_next_window' if state_counts_old_rows else 'cast(null as bigint)' }} as rows_before_next_window,
        as_of, calendar_first_date
    from {{ state }}
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as raw_table,
        cast(null as timestamp) as loaded_through,
        cast(null as bigint) as row_count,
        cast(null as bigint) as rows_before_next_window,
        cast(null as timestamp) as as_of,
        cast(null as date) as calendar_first_date
    where 1 = 0
    {%- endif %}
),

previous_run as (
    select max(as_of) as as_of, max(calendar_first_date) as calendar_first_date, count(*) as tables_recorded
    from previous
),

-- users that are, or ever were, landed with a role other than end_user: a change to one of them
-- moves agent attribution (agg_agent_daily, solver) across all their days
changed_staff_users as (
    select cast(count(*) as bigint) as changed_staff_users
    from {{ source('raw_helpdesk', 'users') }} as u
    where u._loaded_at >= (
            select coalesce(
                {{ dbt.dateadd('hour', -lookback_hours, 'p.loaded_through') }},
                cast('1900-01-01 00:00:00' as timestamp)
            )
            from previous as p
            where p.raw_table = 'users'
        )
        and u.user_id in (
            select user_id
            from {{ source('raw_helpdesk', 'users') }}
            where role is null or replace(replace(lower(trim(role)), '-', '_'), ' ', '_') <> 'end_user'
        )
)

select
    landed.raw_table,
    previous.loaded_through as previous_loaded_through,
    landed.loaded_through,
    previous.row_count as previous_row_count,
    landed.row_count,
    landed.rows_before_window,
    landed.rows_before_next_window,
    -- NULL = the table is read whole: no previous state, rows removed, or rows landed before
    -- the window (a backfill); a table that was empty at the previous run is read whole too
    case when previous.raw_table is not null
        and landed.row_count >= previous.row_count
        and previous.rows_before_next_window is not null
        and landed.rows_before_window <= previous.rows_before_next_window
    then coalesce(
        {{ dbt.dateadd('hour', -lookback_hours, 'previous.loaded_through') }},
        cast('1900-01-01 00:00:00' as timestamp)
    ) end as window_start,
    {{ lookback_hours }} as lookback_hours,
    previous_run.as_of as previous_as_of,
    previous_run.calendar_first_date as previous_calendar_first_date,
    case
        {%- if flags.FULL_REFRESH %}
        when true then 'full refresh requested'
        {%- endif %}
        {%- if var('as_of', none) %}
        when true then 'var as_of is set (a fixed evaluation time is rebuilt whole)'
        {%- endif %}
        when previous.raw_table is null then 'no previous incremental state'
        when landed.row_count < previous.row_count then 'raw rows removed since the previous run'
        when previous.rows_before_next_window is null
            then 'the previous state does not count rows before the window'
        when landed.rows_before_window > previous.rows_before_next_window
            then 'rows landed with a _loaded_at before the lookback window (a backfill)'
        {%- for reference_table in support_incremental_reference_tables() %}
        when landed.raw_table = '{{ reference_table }}'
            and (landed.row_count <> previous.row_count
                or landed.loaded_through is distinct from previous.loaded_through)
            then 'reference data changed'
        {%- endfor %}
        when landed.raw_table = 'users' and changed_staff_users.changed_staff_users > 0
            then 'agent or admin user changed'
    end as recompute_reason
from landed
cross join previous_run
cross join changed_staff_users
left join previous on previous.raw_table = landed.raw_table
