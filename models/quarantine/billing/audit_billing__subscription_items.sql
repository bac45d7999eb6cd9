-- Every raw_billing.subscription_items row with its disposition: quarantine_reason NULL = staged.
-- Repair: a NULL discount_percent is read as 0 (no discount).
with source_rows as (
    select
        {{ success_clean_id('subscription_item_id') }} as subscription_item_id,
        {{ success_clean_id('subscription_id') }} as subscription_id,
        {{ success_clean_id('plan_id') }} as plan_id,
        cast(quantity as bigint) as quantity,
        cast(unit_amount as decimal(18, 4)) as unit_amount,
        cast(coalesce(discount_percent, 0) as decimal(9, 4)) as discount_percent,
        valid_from,
        valid_to,
        _loaded_at
    from {{ source('raw_billing', 'subscription_items') }}
),

ranked as (
    {{ success_deduplicated('source_rows', ['subscription_item_id'], ['subscription_id', 'plan_id', 'quantity', 'unit_amount', 'discount_percent', 'valid_from', 'valid_to']) }}
),

subscriptions as (
    select subscription_id from {{ ref('stg_billing__subscriptions') }}
),

plans as (
    select plan_id from {{ ref('stg_billing__plans') }}
)

select
    ranked.subscription_item_id,
    ranked.subscription_id,
    ranked.plan_id,
    ranked.quantity,
    ranked.unit_amount,
    ranked.discount_percent,
    ranked.valid_from,
    ranked.valid_to,
    ranked._loaded_at,
    case
        when ranked.subscription_item_id is null then 'null_key'
        when ranked.is_newest_landing and ranked.has_conflicting_copy then 'conflicting_duplicate'
        when ranked.resync_rank > 1 then 'duplicate_resync'
        when subscriptions.subscription_id is null then 'orphan_subscription'
        when plans.plan_id is null then 'orphan_plan'
        when ranked.quantity is null then 'missing_quantity'
        when ranked.quantity < 0 then 'negative_quantity'
        when ranked.unit_amount is null or ranked.unit_amount < 0 then 'invalid_unit_amount'
        when ranked.discount_percent < 0 or ranked.discount_percent > 100 then 'invalid_discount'
        when ranked.valid_from is null then 'missing_valid_from'
        when ranked.valid_to < ranked.valid_from then 'validity_ends_before_start'
    end as quarantine_reason
from ranked
left join subscriptions
    on ranked.subscription_id = subscriptions.subscription_id
left join plans
    on ranked.plan_id = plans.plan_id
