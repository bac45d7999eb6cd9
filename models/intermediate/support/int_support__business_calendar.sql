{#-
  The business calendar: one row per schedule × working interval, in UTC, with
  the business seconds the schedule has accumulated before the interval starts.
  Every business-time figure is computed from it in O(1) per instant (see
  macros/business_time/): cum(t) = cumulative_seconds_before of the last
  interval starting at or before t + the part of that interval before t;
  business time between a and b = cum(b) − cum(a).

  Built per schedule and local date: the schedule version in force on that date
  (latest valid_from with valid_from <= date < valid_to), its intervals for the
  ISO weekday, none on a holiday. Local wall-clock times become UTC instants in
  the schedule's zone, so a 09:00–17:00 day is 8 hours on both sides of a DST
  change. A wall-clock time that does not exist (spring-forward gap) or exists
  twice (fall-back) is resolved the way DuckDB/ICU does: with the offset in
  force before the change for a gap (02:30 Berlin on 2024-03-31 -> 01:30 UTC,
  i.e. 03:30 CEST) and the later occurrence for an overlap (02:30 Berlin on
  2024-10-27 -> 01:30 UTC, CET). Overlapping intervals are merged so no second
  counts twice. Each schedule also gets a zero-length sentinel interval at
  1900-01-01 so an instant before its first working interval has cum = 0.
-#}
with evaluation as (
    select as_of from {{ ref('int_support__evaluation_time') }}
),

bounds as (
    select
        {%- if var('calendar_start_date', none) %}
        cast('{{ var("calendar_start_date") }}' as date) as first_date,
        {%- else %}
        cast({{ dbt.dateadd('day', -7, '(select min(created_at) from ' ~ ref('stg_helpdesk__tickets') ~ ')') }} as date) as first_date,
        {%- endif %}
        {%- if var('calendar_end_date', none) %}
        cast('{{ var("calendar_end_date") }}' as date) as last_date
        {%- else %}
        cast({{ dbt.dateadd('day', var('support_calendar_days_after_as_of', 400), '(select as_of from evaluation)') }} as date) as last_date
        {%- endif %}
),

local_dates as (
    select cast(series.day_start as date) as local_date
    from bounds,
        generate_series(cast(bounds.first_date as timestamp), cast(bounds.last_date as timestamp), interval '1 day') as series(day_start)
),

schedule_versions as (
    select distinct schedule_id, valid_from, valid_to, timezone
    from {{ ref('stg_helpdesk__schedules') }}
),

version_in_force as (
    select
        v.schedule_id,
        d.local_date,
        v.valid_from,
        v.timezone,
        row_number() over (partition by v.schedule_id, d.local_date order by v.valid_from desc, v.timezone) as version_rank
    from schedule_versions as v
    inner join local_dates as d
        on d.local_date >= v.valid_from
        and d.local_date < coalesce(v.valid_to, cast('9999-12-31' as date))
),

working_days as (
    select f.schedule_id, f.local_date, f.valid_from, f.timezone
    from version_in_force as f
    left join {{ ref('stg_helpdesk__schedule_holidays') }} as h
        on h.schedule_id = f.schedule_id
        and h.holiday_date = f.local_date
    where f.version_rank = 1
        and h.holiday_date is null
),

local_intervals as (
    select
        w.schedule_id,
        w.local_date,
        w.timezone,
        {{ dbt.dateadd('minute', 's.start_minute', 'cast(w.local_date as timestamp)') }} as local_start,
        {{ dbt.dateadd('minute', 's.end_minute', 'cast(w.local_date as timestamp)') }} as local_end
    from working_days as w
    inner join {{ ref('stg_helpdesk__schedules') }} as s
        on s.schedule_id = w.schedule_id
        and s.valid_from = w.valid_from
        and s.day_of_week = extract(isodow from w.local_date)
),

utc_intervals as (
    select
        schedule_id,
        local_date,
        {{ support_local_to_utc('local_start', 'timezone') }} as interval_start_at,
        {{ support_local_to_utc('local_end', 'timezone') }} as interval_end_at
    from local_intervals
),

islands_marked as (
    select
        utc_intervals.*,
        case
            when interval_start_at <= max(interval_end_at) over (
                partition by schedule_id order by interval_start_at, interval_end_at
                rows between unbounded preceding and 1 preceding
            ) then 0 else 1
        end as starts_island
    from utc_intervals
    where interval_end_at > interval_start_at
),

islands as (
    select
        islands_marked.*,
        sum(starts_island) over (
            partition by schedule_id order by interval_start_at, interval_end_at
            rows between unbounded preceding and current row
        ) as island_number
    from islands_marked
),

merged_intervals as (
    select
        schedule_id,
        min(local_date) as local_date,
        min(interval_start_at) as interval_start_at,
        max(interval_end_at) as interval_end_at
    from islands
    group by schedule_id, island_number
),

sentinels as (
    select distinct
        schedule_id,
        cast(null as date) as local_date,
        cast('1900-01-01 00:00:00' as timestamp) as interval_start_at,
        cast('1900-01-01 00:00:00' as timestamp) as interval_end_at
    from {{ ref('stg_helpdesk__schedules') }}
),

all_intervals as (
    select schedule_id, local_date, interval_start_at, interval_end_at from merged_intervals
    union all
    select schedule_id, local_date, interval_start_at, interval_end_at from sentinels
),

with_seconds as (
    select
        all_intervals.*,
        cast({{ dbt.datediff('interval_start_at', 'interval_end_at', 'second') }} as bigint) as interval_seconds
    from all_intervals
)

select
    schedule_id,
    local_date,
    interval_start_at,
    interval_end_at,
    interval_seconds,
    cast(coalesce(sum(interval_seconds) over (
        partition by schedule_id order by interval_start_at
        rows between unbounded preceding and 1 preceding
    ), 0) as bigint) as cumulative_seconds_before
from with_seconds
