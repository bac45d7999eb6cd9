-- One row per month of the success marts: from the first month in which any customer has
-- MRR to the as-of month (decision log, "Month range").
with bounds as (
    select
        (select min(month_start) from {{ ref('int_subscription_item_months') }} where item_mrr_e10 > 0)
            as first_month_start,
        (select as_of_month_start from {{ ref('int_success_as_of') }}) as last_month_start
),

months as (
    {{ success_month_series(
        "(select first_month_start from bounds)",
        "(select last_month_start from bounds)"
    ) }}
)

select
    months.month_start,
    cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'months.month_start')) }} as date)
        as month_end_date,
    cast({{ dbt.datediff('bounds.first_month_start', 'months.month_start', 'month') }} as integer)
        as month_index
from months
cross join bounds
where bounds.first_month_start is not null
    and months.month_start >= bounds.first_month_start
