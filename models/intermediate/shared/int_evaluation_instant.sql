{#-
  The one evaluation instant of the warehouse (metrics.md, "One evaluation instant"): var
  `as_of`, else the newest event in the helpdesk, billing and product data together,
  ignoring every event dated after its own row's `_loaded_at` or after the build's wall
  clock plus var `future_tolerance_hours` (it cannot have happened: a far-future typo must
  not stretch the marts to 2099, whatever `_loaded_at` claims).
  Every running clock, every "last N days" window, the current week and the current month
  read it, through `int_support__evaluation_time` and `int_success_as_of`.
  Events: ticket creation, comments, field changes, survey answers; subscription and item
  changes, invoices issued or paid, days of product usage. Scheduled instants (trial_end,
  due_at, period_end) and tickets.updated_at are not events.
-#}
{%- set epoch = "cast('1900-01-01' as timestamp)" %}
with events as (
    select 'helpdesk' as domain, max(created_at) as event_at
    from {{ ref('stg_helpdesk__tickets') }}
    where created_at <= loaded_at
    union all
    select 'helpdesk', max(created_at)
    from {{ ref('stg_helpdesk__ticket_comments') }}
    where created_at <= loaded_at
    union all
    select 'helpdesk', max(updated_at)
    from {{ ref('stg_helpdesk__ticket_field_history') }}
    where updated_at <= loaded_at
    union all
    select 'helpdesk', max(responded_at)
    from {{ ref('stg_helpdesk__satisfaction_responses') }}
    where responded_at <= loaded_at
    union all
    select 'billing', max(event_at)
    from (
        select
            loaded_at,
            greatest(
                coalesce(created_at, {{ epoch }}),
                coalesce(trial_start, {{ epoch }}),
                coalesce(started_at, {{ epoch }}),
                coalesce(cancel_requested_at, {{ epoch }}),
                coalesce(ended_at, {{ epoch }})
            ) as event_at
        from {{ ref('stg_billing__subscriptions') }}
    ) as subscriptions
    where event_at <= loaded_at
    union all
    select 'billing', max(greatest(valid_from, coalesce(valid_to, valid_from)))
    from {{ ref('stg_billing__subscription_items') }}
    where greatest(valid_from, coalesce(valid_to, valid_from)) <= loaded_at
    union all
    select 'billing', max(event_at)
    from (
        select
            loaded_at,
            greatest(coalesce(issued_at, {{ epoch }}), coalesce(paid_at, {{ epoch }})) as event_at
        from {{ ref('stg_billing__invoices') }}
    ) as invoices
    where event_at <= loaded_at
    union all
    select 'product', max(cast(usage_date as timestamp))
    from {{ ref('stg_product__daily_usage') }}
    where cast(usage_date as timestamp) <= loaded_at
),

newest as (
    -- an event after the build's wall clock (+ tolerance) is impossible, whatever its load says
    select max(case when event_at > {{ epoch }} and event_at <= {{ support_future_limit() }} then event_at end)
        as newest_event_at
    from events
)

select
    {%- if var('as_of', none) %}
    cast('{{ var("as_of") }}' as timestamp) as evaluated_at,
    'var as_of' as evaluated_at_source,
    {%- else %}
    newest_event_at as evaluated_at,
    'newest event in the data' as evaluated_at_source,
    {%- endif %}
    newest_event_at
from newest
