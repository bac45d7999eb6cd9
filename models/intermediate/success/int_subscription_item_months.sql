-- One row per subscription item period × month whose end-of-month snapshot it is part of,
-- with the item's MRR in the subscription currency as an exact whole number of 1e-10 units.
--
-- Snapshot rule (decision log, "End-of-month snapshot"): an item counts in month M when it
-- is in force at the last instant of M. Validity is half-open [from, to), so with
-- T = the first instant of M+1 that means from < T and to >= T: an item whose valid_to is
-- exactly 2024-02-01 00:00 counts in January; one ending 2024-01-31 23:59:59 does not.
-- The item's window is cut to the subscription's paid window [paid start, ended_at), and
-- a subscription whose current status is paused or trialing counts 0 in the as-of month.
with as_of as (
    select as_of_at, as_of_month_start from {{ ref('int_success_as_of') }}
),

subscriptions as (
    select
        subscription_id,
        customer_id,
        status,
        currency,
        -- Paid service starts at started_at, or at trial_end when a trial runs past it.
        case
            when started_at is null then trial_end
            when trial_end is null then started_at
            when trial_end > started_at then trial_end
            else started_at
        end as paid_start_at,
        ended_at
    from {{ ref('stg_billing__subscriptions') }}
),

items as (
    select
        items.subscription_item_id,
        items.subscription_id,
        subscriptions.customer_id,
        subscriptions.currency,
        items.plan_id,
        plans.cycle_months,
        items.quantity,
        items.unit_amount,
        items.discount_percent,
        case
            when subscriptions.paid_start_at is null or subscriptions.paid_start_at < items.valid_from
                then items.valid_from
            else subscriptions.paid_start_at
        end as effective_from,
        least(
            coalesce(items.valid_to, {{ success_far_future() }}),
            coalesce(subscriptions.ended_at, {{ success_far_future() }}),
            case
                when subscriptions.status in ('paused', 'trialing')
                    then cast(as_of.as_of_month_start as timestamp)
                else {{ success_far_future() }}
            end
        ) as effective_to,
        {{ success_item_mrr_e10('items.quantity', 'items.unit_amount', 'items.discount_percent', 'plans.cycle_months') }}
            as item_mrr_e10
    from {{ ref('stg_billing__subscription_items') }} as items
    inner join subscriptions
        on items.subscription_id = subscriptions.subscription_id
    inner join {{ ref('stg_billing__plans') }} as plans
        on items.plan_id = plans.plan_id
    cross join as_of
),

item_month_ranges as (
    select
        items.*,
        cast({{ dbt.date_trunc('month', 'effective_from') }} as date) as first_month_start,
        case
            when effective_to = {{ success_far_future() }} then as_of.as_of_month_start
            else least(
                as_of.as_of_month_start,
                cast({{ dbt.dateadd('month', -1, dbt.date_trunc('month', 'effective_to')) }} as date)
            )
        end as last_month_start
    from items
    cross join as_of
    where items.effective_from < items.effective_to
),

months as (
    {{ success_month_series(
        "(select min(first_month_start) from item_month_ranges)",
        "(select as_of_month_start from as_of)"
    ) }}
)

select
    item_month_ranges.subscription_item_id,
    item_month_ranges.subscription_id,
    item_month_ranges.customer_id,
    item_month_ranges.currency,
    item_month_ranges.plan_id,
    months.month_start,
    item_month_ranges.quantity,
    item_month_ranges.item_mrr_e10
from item_month_ranges
inner join months
    on months.month_start between item_month_ranges.first_month_start
        and item_month_ranges.last_month_start
