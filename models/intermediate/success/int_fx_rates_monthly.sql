-- One row per currency × month: the rate converting one unit of the currency into the
-- reporting currency (var `reporting_currency`) at the last day of the month, and the
-- constant-currency rate (the same lookup at the first month of the data, fixed for all
-- months). Lookup rule (decision log, "Exchange rate date"): the rate of the month's last
-- day, else the latest earlier rate, else (no earlier rate at all) the earliest later one,
-- flagged. USD is 1 by definition, with or without a row.
with months as (
    select month_start, month_end_date, month_index from {{ ref('int_success_months') }}
),

rates as (
    select currency, rate_date, usd_per_unit
    from {{ ref('stg_billing__exchange_rates') }}
    where currency <> 'USD'
),

currencies as (
    select distinct currency from {{ ref('stg_billing__subscriptions') }}
    union
    select '{{ var("reporting_currency") }}'
    union
    select 'USD'
),

latest_on_or_before as (
    select
        months.month_start,
        rates.currency,
        arg_max(rates.usd_per_unit, rates.rate_date) as usd_per_unit
    from months
    inner join rates
        on rates.rate_date <= months.month_end_date
    group by months.month_start, rates.currency
),

earliest as (
    select currency, arg_min(usd_per_unit, rate_date) as usd_per_unit
    from rates
    group by currency
),

usd_rates as (
    select
        months.month_start,
        months.month_index,
        currencies.currency,
        case
            when currencies.currency = 'USD' then cast(1 as double)
            else coalesce(latest_on_or_before.usd_per_unit, earliest.usd_per_unit)
        end as usd_per_unit,
        currencies.currency <> 'USD' and latest_on_or_before.usd_per_unit is null
            as is_rate_fallback
    from months
    cross join currencies
    left join latest_on_or_before
        on months.month_start = latest_on_or_before.month_start
        and currencies.currency = latest_on_or_before.currency
    left join earliest
        on currencies.currency = earliest.currency
),

to_reporting as (
    select
        usd_rates.month_start,
        usd_rates.month_index,
        usd_rates.currency,
        case
            when usd_rates.currency = reporting.currency then cast(1 as decimal(24, 10))
            else cast(usd_rates.usd_per_unit / reporting.usd_per_unit as decimal(24, 10))
        end as rate_to_reporting,
        usd_rates.is_rate_fallback or reporting.is_rate_fallback as is_rate_fallback
    from usd_rates
    inner join usd_rates as reporting
        on usd_rates.month_start = reporting.month_start
        and reporting.currency = '{{ var("reporting_currency") }}'
)

select
    to_reporting.month_start,
    to_reporting.currency,
    to_reporting.rate_to_reporting,
    first_month.rate_to_reporting as constant_rate_to_reporting,
    to_reporting.is_rate_fallback
from to_reporting
inner join to_reporting as first_month
    on to_reporting.currency = first_month.currency
    and first_month.month_index = 0
