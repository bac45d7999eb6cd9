-- Every raw_billing.customers row with its disposition: quarantine_reason NULL = staged.
-- customer_name is the company's name: business data BI needs (issue 17; docs/decisionlog/success.md).
with source_rows as (
    select
        {{ success_clean_id('customer_id') }} as customer_id,
        nullif(trim(customer_name), '') as customer_name,
        coalesce(nullif(lower(trim(segment)), ''), 'unknown') as segment_landed,
        nullif(upper(trim(country)), '') as country,
        {{ success_clean_currency('billing_currency') }} as billing_currency,
        created_at,
        nullif(trim(csm_owner), '') as csm_owner,
        coalesce(is_deleted, false) as is_deleted,
        _loaded_at
    from {{ source('raw_billing', 'customers') }}
),

normalised as (
    select
        customer_id,
        customer_name,
        case
            when segment_landed in ('smb', 'mid_market', 'enterprise') then segment_landed
            when segment_landed in ('mid-market', 'mid market', 'midmarket', 'mm') then 'mid_market'
            when segment_landed in ('ent') then 'enterprise'
            else 'unknown'
        end as segment,
        country,
        billing_currency,
        created_at,
        csm_owner,
        is_deleted,
        _loaded_at
    from source_rows
),

ranked as (
    {{ success_deduplicated('normalised', ['customer_id'], ['segment', 'country', 'billing_currency', 'created_at', 'csm_owner', 'is_deleted']) }}
)

select
    customer_id,
    customer_name,
    segment,
    country,
    billing_currency,
    created_at,
    csm_owner,
    is_deleted,
    _loaded_at,
    case
        when customer_id is null then 'null_key'
        when is_newest_landing and has_conflicting_copy then 'conflicting_duplicate'
        when resync_rank > 1 then 'duplicate_resync'
    end as quarantine_reason
from ranked
