-- Every raw_billing.subscriptions row with its disposition: quarantine_reason NULL = staged.
-- Repair: a NULL currency is read as the customer's billing currency (decision log).
with source_rows as (
    select
        {{ success_clean_id('subscription_id') }} as subscription_id,
        {{ success_clean_id('customer_id') }} as customer_id,
        case lower(trim(status))
            when 'cancelled' then 'canceled'
            when 'past due' then 'past_due'
            when 'pastdue' then 'past_due'
            else lower(trim(status))
        end as status,
        {{ success_clean_currency('currency') }} as currency_landed,
        created_at,
        trial_start,
        trial_end,
        started_at,
        cancel_requested_at,
        ended_at,
        _loaded_at
    from {{ source('raw_billing', 'subscriptions') }}
),

ranked as (
    {{ success_deduplicated('source_rows', ['subscription_id'], ['customer_id', 'status', 'currency_landed', 'created_at', 'trial_start', 'trial_end', 'started_at', 'cancel_requested_at', 'ended_at']) }}
),

customers as (
    select customer_id, billing_currency from {{ ref('stg_billing__customers') }}
),

rated_currencies as (
    -- Currencies that can be converted: the US dollar (1 by definition) and every
    -- currency with at least one usable rate.
    select 'USD' as currency
    union
    select distinct currency from {{ ref('stg_billing__exchange_rates') }}
),

checked as (
    select
        ranked.subscription_id,
        ranked.customer_id,
        ranked.status,
        coalesce(ranked.currency_landed, customers.billing_currency) as currency,
        ranked.currency_landed is null and customers.billing_currency is not null
            as is_currency_repaired,
        ranked.created_at,
        ranked.trial_start,
        ranked.trial_end,
        ranked.started_at,
        ranked.cancel_requested_at,
        ranked.ended_at,
        ranked._loaded_at,
        ranked.resync_rank,
        ranked.is_newest_landing,
        ranked.has_conflicting_copy,
        customers.customer_id is not null as has_customer
    from ranked
    left join customers
        on ranked.customer_id = customers.customer_id
)

select
    checked.subscription_id,
    checked.customer_id,
    checked.status,
    checked.currency,
    checked.is_currency_repaired,
    checked.created_at,
    checked.trial_start,
    checked.trial_end,
    checked.started_at,
    checked.cancel_requested_at,
    checked.ended_at,
    checked._loaded_at,
    case
        when checked.subscription_id is null then 'null_key'
        when checked.is_newest_landing and checked.has_conflicting_copy then 'conflicting_duplicate'
        when checked.resync_rank > 1 then 'duplicate_resync'
        when not checked.has_customer then 'orphan_customer'
        when checked.status is null
            or checked.status not in ('trialing', 'active', 'past_due', 'paused', 'canceled')
            then 'unknown_status'
        when checked.currency is null or currencies.currency_code is null then 'unknown_currency'
        when rated_currencies.currency is null then 'missing_exchange_rate'
        when checked.ended_at < checked.created_at then 'ends_before_created'
    end as quarantine_reason
from checked
left join {{ ref('currencies') }} as currencies
    on checked.currency = currencies.currency_code
left join rated_currencies
    on checked.currency = rated_currencies.currency
