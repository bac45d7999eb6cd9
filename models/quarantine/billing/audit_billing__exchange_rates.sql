-- Every raw_billing.exchange_rates row with its disposition: quarantine_reason NULL = staged.
with source_rows as (
    select
        rate_date,
        {{ success_clean_currency('currency') }} as currency,
        usd_per_unit,
        _loaded_at
    from {{ source('raw_billing', 'exchange_rates') }}
),

normalised as (
    select
        rate_date,
        currency,
        usd_per_unit,
        _loaded_at
    from source_rows
),

ranked as (
    {{ success_deduplicated('normalised', ['rate_date', 'currency'], ['usd_per_unit']) }}
)

select
    ranked.rate_date,
    ranked.currency,
    ranked.usd_per_unit,
    ranked._loaded_at,
    case
        when ranked.rate_date is null or ranked.currency is null then 'null_key'
        when ranked.is_newest_landing and ranked.has_conflicting_copy then 'conflicting_duplicate'
        when ranked.resync_rank > 1 then 'duplicate_resync'
        when currencies.currency_code is null then 'unknown_currency'
        when ranked.usd_per_unit is null or ranked.usd_per_unit <= 0 or isnan(ranked.usd_per_unit)
            then 'invalid_rate'
    end as quarantine_reason
from ranked
left join {{ ref('currencies') }} as currencies
    on ranked.currency = currencies.currency_code
