-- Every raw_billing.plans row with its disposition: quarantine_reason NULL = staged.
with source_rows as (
    select
        {{ success_clean_id('plan_id') }} as plan_id,
        plan_name,
        nullif(trim(product_family), '') as product_family,
        lower(trim(billing_interval)) as billing_interval_landed,
        cast(interval_count as bigint) as interval_count,
        cast(list_price as decimal(18, 4)) as list_price,
        {{ success_clean_currency('currency') }} as currency,
        _loaded_at
    from {{ source('raw_billing', 'plans') }}
),

normalised as (
    select
        plan_id,
        plan_name,
        product_family,
        case
            when billing_interval_landed in ('month', 'monthly', 'months') then 'month'
            when billing_interval_landed in ('year', 'yearly', 'years', 'annual', 'annually') then 'year'
        end as billing_interval,
        interval_count,
        list_price,
        currency,
        _loaded_at
    from source_rows
),

ranked as (
    {{ success_deduplicated('normalised', ['plan_id'], ['billing_interval', 'interval_count', 'list_price', 'currency', 'product_family', 'plan_name']) }}
)

select
    plan_id,
    plan_name,
    product_family,
    billing_interval,
    interval_count,
    case billing_interval
        when 'month' then interval_count
        when 'year' then interval_count * 12
    end as cycle_months,
    list_price,
    currency,
    _loaded_at,
    case
        when plan_id is null then 'null_key'
        when is_newest_landing and has_conflicting_copy then 'conflicting_duplicate'
        when resync_rank > 1 then 'duplicate_resync'
        when billing_interval is null then 'unknown_billing_interval'
        when interval_count is null or interval_count <= 0 then 'invalid_interval_count'
        when currencies.currency_code is null then 'unknown_currency'
    end as quarantine_reason
from ranked
left join {{ ref('currencies') }} as currencies
    on ranked.currency = currencies.currency_code
