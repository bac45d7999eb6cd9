-- Grain: one row per staged billing customer (account), with descriptive attributes and the
-- milestones of its subscription history. customer_name is the company's name (business data);
-- people's names and emails never reach the marts.
with customers as (
    select
        customer_id,
        customer_name,
        segment,
        country,
        billing_currency,
        csm_owner,
        created_at,
        is_deleted
    from {{ ref('stg_billing__customers') }}
),

subscriptions as (
    select
        customer_id,
        cast(count(*) as bigint) as subscriptions,
        min(created_at) as first_subscription_created_at,
        min(trial_start) as first_trial_started_at
    from {{ ref('stg_billing__subscriptions') }}
    group by customer_id
),

paid as (
    select
        customer_id,
        min(first_paid_month_start) as first_paid_month_start
    from {{ ref('fct_mrr_monthly') }}
    group by customer_id
)

select
    customers.customer_id,
    customers.customer_name,
    customers.segment,
    customers.country,
    customers.billing_currency,
    customers.csm_owner,
    customers.created_at,
    customers.is_deleted,
    cast(coalesce(subscriptions.subscriptions, 0) as bigint) as subscriptions,
    subscriptions.first_subscription_created_at,
    subscriptions.first_trial_started_at,
    paid.first_paid_month_start
from customers
left join subscriptions
    on customers.customer_id = subscriptions.customer_id
left join paid
    on customers.customer_id = paid.customer_id
