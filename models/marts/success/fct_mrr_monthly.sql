-- Grain: one row per customer × month, from the customer's first month with MRR to the
-- as-of month (months after a churn are kept, at 0). A currency move is never a movement
-- (metrics.md, "Recurring revenue"): the movement type and amount come from this month's
-- items at last month's rates minus last month's MRR; the rest of the change is `fx_amount`.
-- In constant currency every month uses one rate per currency, so there is no FX.
with months as (
    select month_start from {{ ref('int_success_months') }}
),

snapshots as (
    select
        customer_id,
        month_start,
        mrr,
        mrr_constant_currency,
        mrr_at_previous_rates,
        is_rate_fallback,
        subscribed_quantity,
        paid_quantity,
        paying_subscriptions
    from {{ ref('int_customer_mrr_monthly') }}
),

first_paid as (
    select customer_id, min(month_start) as first_mrr_month_start
    from snapshots
    where mrr > 0 or mrr_constant_currency > 0
    group by customer_id
),

grid as (
    select
        first_paid.customer_id,
        months.month_start,
        first_paid.first_mrr_month_start
    from first_paid
    inner join months
        on months.month_start >= first_paid.first_mrr_month_start
),

filled as (
    select
        grid.customer_id,
        grid.month_start,
        coalesce(customers.segment, 'unknown') as segment,
        coalesce(snapshots.mrr, 0) as mrr,
        coalesce(snapshots.mrr_constant_currency, 0) as mrr_constant_currency,
        coalesce(snapshots.mrr_at_previous_rates, 0) as mrr_at_previous_rates_raw,
        coalesce(snapshots.is_rate_fallback, false) as is_rate_fallback,
        coalesce(snapshots.subscribed_quantity, 0) as subscribed_quantity,
        coalesce(snapshots.paid_quantity, 0) as paid_quantity,
        coalesce(snapshots.paying_subscriptions, 0) as paying_subscriptions
    from grid
    left join snapshots
        on grid.customer_id = snapshots.customer_id
        and grid.month_start = snapshots.month_start
    left join {{ ref('stg_billing__customers') }} as customers
        on grid.customer_id = customers.customer_id
),

with_history as (
    select
        filled.*,
        coalesce(lag(mrr) over customer_months, 0) as previous_mrr,
        coalesce(lag(mrr_constant_currency) over customer_months, 0)
            as previous_mrr_constant_currency,
        coalesce(max(mrr) over customer_history, 0) > 0 as had_mrr_before,
        coalesce(max(mrr_constant_currency) over customer_history, 0) > 0
            as had_mrr_constant_currency_before,
        max(case when mrr > 0 then month_start end) over customer_history
            as last_paying_month_before,
        min(case when mrr > 0 then month_start end) over (partition by customer_id)
            as first_paid_month_start
    from filled
    window
        customer_months as (partition by customer_id order by month_start),
        customer_history as (
            partition by customer_id order by month_start
            rows between unbounded preceding and 1 preceding
        )
),

-- R*(M): at last month's rates, or at this month's when there was no MRR last month.
at_previous_rates as (
    select
        with_history.*,
        case
            when previous_mrr = 0 then mrr
            else mrr_at_previous_rates_raw
        end as mrr_at_previous_rates
    from with_history
),

classified as (
    select
        at_previous_rates.*,
        case
            when mrr > 0 and not had_mrr_before then 'new'
            when mrr > 0 and previous_mrr = 0 then 'reactivation'
            when mrr = 0 and previous_mrr > 0 then 'churn'
            when mrr_at_previous_rates > previous_mrr then 'expansion'
            when mrr_at_previous_rates < previous_mrr then 'contraction'
            else 'unchanged'
        end as movement_type,
        case
            when mrr_constant_currency > 0 and not had_mrr_constant_currency_before then 'new'
            when mrr_constant_currency > 0 and previous_mrr_constant_currency = 0 then 'reactivation'
            when mrr_constant_currency = 0 and previous_mrr_constant_currency > 0 then 'churn'
            when mrr_constant_currency > previous_mrr_constant_currency then 'expansion'
            when mrr_constant_currency < previous_mrr_constant_currency then 'contraction'
            else 'unchanged'
        end as movement_type_constant_currency
    from at_previous_rates
)

select
    customer_id,
    month_start,
    segment,
    '{{ var("reporting_currency") }}' as reporting_currency,
    cast(mrr as decimal(18, 2)) as mrr,
    cast(mrr * 12 as decimal(18, 2)) as arr,
    cast(previous_mrr as decimal(18, 2)) as previous_mrr,
    movement_type,
    cast(mrr_at_previous_rates as decimal(18, 2)) as mrr_at_previous_rates,
    cast(mrr_at_previous_rates - previous_mrr as decimal(18, 2)) as movement_amount,
    cast(mrr - mrr_at_previous_rates as decimal(18, 2)) as fx_amount,
    cast(mrr_constant_currency as decimal(18, 2)) as mrr_constant_currency,
    cast(previous_mrr_constant_currency as decimal(18, 2)) as previous_mrr_constant_currency,
    movement_type_constant_currency,
    cast(mrr_constant_currency - previous_mrr_constant_currency as decimal(18, 2))
        as movement_amount_constant_currency,
    cast(0 as decimal(18, 2)) as fx_amount_constant_currency,
    mrr > 0 as is_paying,
    first_paid_month_start,
    case
        when movement_type = 'reactivation'
            then cast({{ dbt.datediff('last_paying_month_before', 'month_start', 'month') }} - 1 as integer)
    end as months_since_churn,
    cast(subscribed_quantity as bigint) as subscribed_quantity,
    cast(paid_quantity as bigint) as paid_quantity,
    cast(paying_subscriptions as bigint) as paying_subscriptions,
    is_rate_fallback
from classified
