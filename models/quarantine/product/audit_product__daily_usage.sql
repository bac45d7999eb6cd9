-- Every raw_product.daily_usage row with its disposition: quarantine_reason NULL = staged.
-- Repair: a NULL count is read as 0 (a day with activity landed without that measure).
with source_rows as (
    select
        {{ success_clean_id('account_id') }} as account_id,
        usage_date,
        cast(coalesce(active_users, 0) as bigint) as active_users,
        cast(coalesce(sessions, 0) as bigint) as sessions,
        cast(coalesce(key_actions, 0) as bigint) as key_actions,
        _loaded_at
    from {{ source('raw_product', 'daily_usage') }}
),

ranked as (
    select deduplicated.*, max(_loaded_at) over () as loaded_until
    from (
    {{ success_deduplicated('source_rows', ['account_id', 'usage_date'], ['active_users', 'sessions', 'key_actions']) }}
    ) as deduplicated
),

customers as (
    select customer_id from {{ ref('stg_billing__customers') }}
)

select
    ranked.account_id,
    ranked.usage_date,
    ranked.active_users,
    ranked.sessions,
    ranked.key_actions,
    ranked._loaded_at,
    case
        when ranked.account_id is null or ranked.usage_date is null then 'null_key'
        when ranked.is_newest_landing and ranked.has_conflicting_copy then 'conflicting_duplicate'
        when ranked.resync_rank > 1 then 'duplicate_resync'
        when customers.customer_id is null then 'orphan_customer'
        when ranked.active_users < 0 or ranked.sessions < 0 or ranked.key_actions < 0
            then 'negative_count'
        when ranked.usage_date > cast(ranked.loaded_until as date)
            or ranked.usage_date > cast({{ support_future_limit() }} as date) then 'future_timestamp'
    end as quarantine_reason
from ranked
left join customers
    on ranked.account_id = customers.customer_id
