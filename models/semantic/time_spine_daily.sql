{#- One row per calendar day: the time spine MetricFlow joins to (see time_spine_daily.yml). -#}
with days as (
    {{ dbt.date_spine(
        datepart="day",
        start_date="cast('2000-01-01' as date)",
        end_date="cast('2041-01-01' as date)"
    ) }}
)

select cast(date_day as date) as date_day
from days
