-- One row: the instant the success marts are evaluated at (var `as_of`, else the newest
-- billing or product event that has happened) and the month it falls in, the last month
-- of every monthly mart. Scheduled instants (trial_end, due_at, period_end) are not events,
-- and neither is an instant after the newest load of its table (it cannot have happened yet:
-- a far-future typo must not stretch every mart to the year 2099).
with subscriptions as (
    select
        greatest(
            coalesce(created_at, cast('1900-01-01' as timestamp)),
            coalesce(trial_start, cast('1900-01-01' as timestamp)),
            coalesce(started_at, cast('1900-01-01' as timestamp)),
            coalesce(cancel_requested_at, cast('1900-01-01' as timestamp)),
            coalesce(ended_at, cast('1900-01-01' as timestamp))
        ) as event_at,
        max(loaded_at) over () as loaded_until
    from {{ ref('stg_billing__subscriptions') }}
),

items as (
    select
        greatest(valid_from, coalesce(valid_to, valid_from)) as event_at,
        max(loaded_at) over () as loaded_until
    from {{ ref('stg_billing__subscription_items') }}
),

invoices as (
    select
        greatest(
            coalesce(issued_at, cast('1900-01-01' as timestamp)),
            coalesce(paid_at, cast('1900-01-01' as timestamp))
        ) as event_at,
        max(loaded_at) over () as loaded_until
    from {{ ref('stg_billing__invoices') }}
),

usage as (
    select
        cast(usage_date as timestamp) as event_at,
        max(loaded_at) over () as loaded_until
    from {{ ref('stg_product__daily_usage') }}
),

events as (
    -- Per table: the newest event that is not after the table's newest load. A row whose
    -- newest instant is in the future contributes nothing (its other instants are older
    -- and another row of the same table carries at least as recent a real event).
    select max(case when event_at <= loaded_until then event_at end) as event_at from subscriptions
    union all
    select max(case when event_at <= loaded_until then event_at end) from items
    union all
    select max(case when event_at <= loaded_until then event_at end) from invoices
    union all
    select max(case when event_at <= loaded_until then event_at end) from usage
),

as_of as (
    select coalesce({{ success_as_of_var() }}, max(event_at)) as as_of_at
    from events
    where event_at > cast('1900-01-01' as timestamp) or event_at is null
)

select
    as_of_at,
    cast({{ dbt.date_trunc('month', 'as_of_at') }} as date) as as_of_month_start
from as_of
