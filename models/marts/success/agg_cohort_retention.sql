-- Grain: one row per cohort month × segment ('all' = every customer) × month offset, where a
-- customer's cohort is their first month with MRR > 0 and offsets run 0 … (months of data − 1)
-- for every cohort. Cells after the as-of month are unobserved: their retention and MRR
-- are NULL, not 0.
with customer_months as (
    select
        customer_id,
        segment,
        month_start,
        first_paid_month_start as cohort_month_start,
        mrr,
        mrr_constant_currency
    from {{ ref('fct_mrr_monthly') }}
    where first_paid_month_start is not null
),

months as (
    select month_start, month_index from {{ ref('int_success_months') }}
),

offsets as (
    select month_index as month_offset from months
),

cohort_members as (
    select
        customer_months.customer_id,
        customer_months.segment,
        customer_months.cohort_month_start,
        customer_months.month_start,
        cast({{ dbt.datediff('customer_months.cohort_month_start', 'customer_months.month_start', 'month') }} as integer)
            as month_offset,
        customer_months.mrr,
        customer_months.mrr_constant_currency
    from customer_months
),

segmented as (
    select 'all' as segment_key, cohort_members.* from cohort_members
    union all
    select segment as segment_key, cohort_members.* from cohort_members
),

cells as (
    select
        segment_key as segment,
        cohort_month_start,
        month_offset,
        cast(count(case when mrr > 0 then 1 end) as bigint) as active_customers,
        sum(mrr) as mrr,
        sum(mrr_constant_currency) as mrr_constant_currency
    from segmented
    where month_offset >= 0
    group by segment_key, cohort_month_start, month_offset
),

cohorts as (
    select
        segment,
        cohort_month_start,
        active_customers as cohort_customers,
        mrr as cohort_mrr,
        mrr_constant_currency as cohort_mrr_constant_currency
    from cells
    where month_offset = 0
),

grid as (
    select
        cohorts.segment,
        cohorts.cohort_month_start,
        offsets.month_offset,
        cohorts.cohort_customers,
        cohorts.cohort_mrr,
        cohorts.cohort_mrr_constant_currency,
        cast({{ dbt.dateadd('month', 'offsets.month_offset', 'cohorts.cohort_month_start') }} as date)
            as month_start
    from cohorts
    cross join offsets
)

select
    grid.cohort_month_start,
    grid.segment,
    grid.month_offset,
    grid.month_start,
    grid.month_start <= (select max(month_start) from months) as is_observed,
    grid.cohort_customers,
    cast(grid.cohort_mrr as decimal(18, 2)) as cohort_mrr,
    cast(grid.cohort_mrr_constant_currency as decimal(18, 2)) as cohort_mrr_constant_currency,
    case when grid.month_start <= (select max(month_start) from months)
        then coalesce(cells.active_customers, 0) end as active_customers,
    case when grid.month_start <= (select max(month_start) from months)
        then cast(coalesce(cells.mrr, 0) as decimal(18, 2)) end as mrr,
    case when grid.month_start <= (select max(month_start) from months)
        then cast(coalesce(cells.mrr_constant_currency, 0) as decimal(18, 2)) end as mrr_constant_currency,
    case when grid.month_start <= (select max(month_start) from months)
        then {{ success_ratio('coalesce(cells.active_customers, 0)', 'grid.cohort_customers') }} end
        as logo_retention,
    case when grid.month_start <= (select max(month_start) from months)
        then {{ success_ratio('coalesce(cells.mrr, 0)', 'grid.cohort_mrr') }} end as nrr,
    case when grid.month_start <= (select max(month_start) from months)
        then {{ success_ratio('coalesce(cells.mrr_constant_currency, 0)', 'grid.cohort_mrr_constant_currency') }} end
        as nrr_constant_currency
from grid
left join cells
    on grid.segment = cells.segment
    and grid.cohort_month_start = cells.cohort_month_start
    and grid.month_offset = cells.month_offset
