-- One row per customer × ISO week (Monday start) in which the customer's count of overdue
-- invoices changes, as deltas a running sum turns into "invoices overdue at the end of the
-- week" without reading the future: an owed invoice (not void or draft) becomes overdue in the
-- week its due_at passes, stops in the week it is paid, and is written off the health score a
-- year after it fell due. The same for invoices overdue by more than 30 days.
with invoices as (
    select
        customer_id,
        due_at,
        paid_at
    from {{ ref('stg_billing__invoices') }}
    where status not in ('void', 'draft')
        and due_at is not null
        and (paid_at is null or paid_at > due_at)
),

spans as (
    -- [overdue from, overdue until) for both severities; "until" is the payment or a year on.
    select
        customer_id,
        due_at as overdue_from,
        least(coalesce(paid_at, {{ success_far_future() }}), {{ dbt.dateadd('day', 365, 'due_at') }})
            as overdue_until,
        false as is_over_30_days
    from invoices
    union all
    select
        customer_id,
        {{ dbt.dateadd('day', 30, 'due_at') }},
        least(coalesce(paid_at, {{ success_far_future() }}), {{ dbt.dateadd('day', 365, 'due_at') }}),
        true
    from invoices
),

deltas as (
    -- A span counts at the end of week W when from < end of W <= until, i.e. from the week
    -- containing `from` to the week before the one containing `until`.
    select
        customer_id,
        cast({{ dbt.date_trunc('week', 'overdue_from') }} as date) as week_start,
        is_over_30_days,
        1 as delta
    from spans
    where overdue_from < overdue_until
        and cast({{ dbt.date_trunc('week', 'overdue_from') }} as date)
            < cast({{ dbt.date_trunc('week', 'overdue_until') }} as date)
    union all
    select
        customer_id,
        cast({{ dbt.date_trunc('week', 'overdue_until') }} as date),
        is_over_30_days,
        -1
    from spans
    where overdue_from < overdue_until
        and overdue_until < {{ success_far_future() }}
        and cast({{ dbt.date_trunc('week', 'overdue_from') }} as date)
            < cast({{ dbt.date_trunc('week', 'overdue_until') }} as date)
)

select
    customer_id,
    week_start,
    cast(sum(case when not is_over_30_days then delta else 0 end) as bigint) as overdue_invoices_delta,
    cast(sum(case when is_over_30_days then delta else 0 end) as bigint) as overdue_30d_invoices_delta
from deltas
group by customer_id, week_start
