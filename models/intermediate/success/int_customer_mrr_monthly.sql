-- One row per customer × month in which at least one of the customer's subscription items
-- is in the end-of-month snapshot: MRR in the reporting currency (at the month's rate) and in
-- constant currency (at the first month's rate), rounded once, to the cent, per customer ×
-- month (decision log, "Where rounding happens"), with seats and subscriptions in force.
-- `mrr_at_previous_rates` values the same items at the rates of the month before (R*(M) of
-- metrics.md, "Recurring revenue"): the bridge reads movements from it and the rest as FX.
with item_months as (
    select
        customer_id,
        currency,
        month_start,
        subscription_id,
        quantity,
        item_mrr_e10
    from {{ ref('int_subscription_item_months') }}
),

customer_currency_months as (
    select
        customer_id,
        currency,
        month_start,
        {{ success_e10_to_amount('sum(item_mrr_e10)') }} as mrr_native
    from item_months
    group by customer_id, currency, month_start
),

converted as (
    select
        customer_currency_months.customer_id,
        customer_currency_months.month_start,
        sum(customer_currency_months.mrr_native * fx.rate_to_reporting) as mrr_unrounded,
        sum(customer_currency_months.mrr_native * fx.constant_rate_to_reporting)
            as mrr_constant_currency_unrounded,
        -- The same items at the previous month's rates (the first month of the data has no
        -- previous month: its own rates), for the FX split of the bridge.
        sum(
            customer_currency_months.mrr_native
            * coalesce(previous_fx.rate_to_reporting, fx.rate_to_reporting)
        ) as mrr_at_previous_rates_unrounded,
        bool_or(fx.is_rate_fallback and customer_currency_months.mrr_native > 0)
            as is_rate_fallback,
        count(distinct customer_currency_months.currency) as currencies
    from customer_currency_months
    inner join {{ ref('int_fx_rates_monthly') }} as fx
        on customer_currency_months.currency = fx.currency
        and customer_currency_months.month_start = fx.month_start
    left join {{ ref('int_fx_rates_monthly') }} as previous_fx
        on customer_currency_months.currency = previous_fx.currency
        and previous_fx.month_start = {{ dbt.dateadd('month', -1, 'customer_currency_months.month_start') }}
    group by customer_currency_months.customer_id, customer_currency_months.month_start
),

seats as (
    select
        customer_id,
        month_start,
        cast(sum(quantity) as bigint) as subscribed_quantity,
        cast(sum(case when item_mrr_e10 > 0 then quantity else 0 end) as bigint)
            as paid_quantity,
        cast(count(distinct case when item_mrr_e10 > 0 then subscription_id end) as bigint)
            as paying_subscriptions
    from item_months
    group by customer_id, month_start
)

select
    converted.customer_id,
    converted.month_start,
    {{ success_to_cents('converted.mrr_unrounded') }} as mrr,
    {{ success_to_cents('converted.mrr_constant_currency_unrounded') }} as mrr_constant_currency,
    {{ success_to_cents('converted.mrr_at_previous_rates_unrounded') }} as mrr_at_previous_rates,
    converted.is_rate_fallback,
    cast(converted.currencies as bigint) as currencies,
    seats.subscribed_quantity,
    seats.paid_quantity,
    seats.paying_subscriptions
from converted
inner join seats
    on converted.customer_id = seats.customer_id
    and converted.month_start = seats.month_start
