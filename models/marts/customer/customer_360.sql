-- Grain: one row per billing customer: lifecycle, revenue, adoption, support experience and
-- health as of the evaluation instant, and for churned customers the support signals of the
-- 90 days before they churned. See customer_360.yml.
with as_of as (
    select as_of_at, as_of_month_start from {{ ref('int_success_as_of') }}
),

customers as (
    select customer_id, customer_name, segment, country, csm_owner, is_deleted, first_paid_month_start
    from {{ ref('dim_customers') }}
),

revenue_history as (
    select
        customer_id,
        cast(count(case when mrr > 0 then 1 end) as bigint) as paid_months,
        cast(count(case when movement_type = 'churn' then 1 end) as bigint) as churns,
        cast(count(case when movement_type = 'reactivation' then 1 end) as bigint) as reactivations,
        max(case when movement_type = 'churn' then month_start end) as last_churn_month_start
    from {{ ref('fct_mrr_monthly') }}
    group by customer_id
),

current_month as (
    select
        fct.customer_id,
        fct.mrr,
        fct.arr,
        fct.mrr_constant_currency,
        fct.subscribed_quantity
    from {{ ref('fct_mrr_monthly') }} as fct
    inner join as_of
        on fct.month_start = as_of.as_of_month_start
),

subscriptions as (
    select
        subscriptions.customer_id,
        bool_or(
            subscriptions.trial_start <= as_of.as_of_at
            and subscriptions.trial_end > as_of.as_of_at
            and (subscriptions.ended_at is null or subscriptions.ended_at > as_of.as_of_at)
        ) as is_in_trial,
        max(subscriptions.ended_at) as last_ended_at
    from {{ ref('stg_billing__subscriptions') }} as subscriptions
    cross join as_of
    group by subscriptions.customer_id
),

churn_dates as (
    -- A churned customer's churn instant: their last subscription end if it falls in the churn
    -- month, else the first instant of the churn month (MRR ended through item periods).
    select
        revenue_history.customer_id,
        case
            when subscriptions.last_ended_at >= cast(revenue_history.last_churn_month_start as timestamp)
                and subscriptions.last_ended_at
                    < cast({{ dbt.dateadd('month', 1, 'revenue_history.last_churn_month_start') }} as timestamp)
                then subscriptions.last_ended_at
            else cast(revenue_history.last_churn_month_start as timestamp)
        end as churned_at
    from revenue_history
    left join subscriptions
        on revenue_history.customer_id = subscriptions.customer_id
    where revenue_history.last_churn_month_start is not null
),

usage_28d as (
    select
        usage.account_id,
        sum(usage.active_users) / 28.0 as average_daily_active_users_28d
    from {{ ref('stg_product__daily_usage') }} as usage
    cross join as_of
    where usage.usage_date > cast({{ dbt.dateadd('day', -28, 'as_of.as_of_at') }} as date)
        and usage.usage_date <= cast(as_of.as_of_at as date)
    group by usage.account_id
),

tickets as (
    select ticket_id, account_id, created_at, csat_score, csat_responded_at
    from {{ ref('fct_tickets') }}
    where account_id is not null
),

breaches as (
    select tickets.account_id, sla.breach_at
    from {{ ref('fct_sla_events') }} as sla
    inner join tickets
        on sla.ticket_id = tickets.ticket_id
    where sla.is_breached and sla.breach_at is not null
),

nps as (
    select account_id, score, responded_at
    from {{ ref('stg_helpdesk__satisfaction_responses') }}
    where survey_type = 'nps' and account_id is not null and score is not null
),

windows as (
    -- Two 90-day windows per customer: the last 90 days before the evaluation instant, and
    -- for churned customers the 90 days before the churn instant.
    select customers.customer_id, 'recent' as window_name,
        {{ dbt.dateadd('day', -90, 'as_of.as_of_at') }} as window_start, as_of.as_of_at as window_end
    from customers
    cross join as_of
    union all
    select customer_id, 'pre_churn', {{ dbt.dateadd('day', -90, 'churned_at') }}, churned_at
    from churn_dates
),

ticket_signals as (
    select
        windows.customer_id,
        windows.window_name,
        cast(count(*) as bigint) as tickets
    from windows
    inner join tickets
        on windows.customer_id = tickets.account_id
    where tickets.created_at >= windows.window_start and tickets.created_at < windows.window_end
    group by 1, 2
),

csat_signals as (
    select
        windows.customer_id,
        windows.window_name,
        cast(count(*) as bigint) as csat_responses,
        cast(count(case when tickets.csat_score >= 4 then 1 end) as bigint) as csat_positive
    from windows
    inner join tickets
        on windows.customer_id = tickets.account_id
    where tickets.csat_score is not null
        and tickets.csat_responded_at >= windows.window_start
        and tickets.csat_responded_at < windows.window_end
    group by 1, 2
),

breach_signals as (
    select windows.customer_id, windows.window_name, cast(count(*) as bigint) as sla_breaches
    from windows
    inner join breaches
        on windows.customer_id = breaches.account_id
    where breaches.breach_at >= windows.window_start and breaches.breach_at < windows.window_end
    group by 1, 2
),

nps_signals as (
    select
        windows.customer_id,
        windows.window_name,
        cast(count(*) as bigint) as nps_responses,
        cast(count(case when nps.score >= 9 then 1 end) as bigint) as nps_promoters,
        cast(count(case when nps.score <= 6 then 1 end) as bigint) as nps_detractors
    from windows
    inner join nps
        on windows.customer_id = nps.account_id
    where nps.responded_at >= windows.window_start and nps.responded_at < windows.window_end
    group by 1, 2
),

signals as (
    select
        windows.customer_id,
        windows.window_name,
        coalesce(ticket_signals.tickets, 0) as tickets,
        coalesce(breach_signals.sla_breaches, 0) as sla_breaches,
        coalesce(csat_signals.csat_responses, 0) as csat_responses,
        {{ success_ratio('csat_signals.csat_positive', 'csat_signals.csat_responses', 4) }} as csat,
        coalesce(nps_signals.nps_responses, 0) as nps_responses,
        case when nps_signals.nps_responses > 0
            then cast(round(100.0 * (nps_signals.nps_promoters - nps_signals.nps_detractors)
                / nps_signals.nps_responses, 1) as decimal(5, 1))
        end as nps
    from windows
    left join ticket_signals
        on windows.customer_id = ticket_signals.customer_id and windows.window_name = ticket_signals.window_name
    left join breach_signals
        on windows.customer_id = breach_signals.customer_id and windows.window_name = breach_signals.window_name
    left join csat_signals
        on windows.customer_id = csat_signals.customer_id and windows.window_name = csat_signals.window_name
    left join nps_signals
        on windows.customer_id = nps_signals.customer_id and windows.window_name = nps_signals.window_name
),

latest_health as (
    select
        customer_id,
        week_start,
        health_score,
        health_status,
        health_score_change_4w,
        row_number() over (partition by customer_id order by week_start desc) as recency
    from {{ ref('fct_account_health_weekly') }}
)

select
    customers.customer_id,
    customers.customer_name,
    customers.segment,
    customers.country,
    customers.csm_owner,
    customers.is_deleted,
    case
        when coalesce(current_month.mrr, 0) > 0 and coalesce(revenue_history.reactivations, 0) > 0
            then 'reactivated'
        when coalesce(current_month.mrr, 0) > 0 then 'active'
        when coalesce(revenue_history.paid_months, 0) > 0 then 'churned'
        when coalesce(subscriptions.is_in_trial, false) then 'trial'
        else 'prospect'
    end as lifecycle_stage,
    '{{ var("reporting_currency") }}' as reporting_currency,
    cast(coalesce(current_month.mrr, 0) as decimal(18, 2)) as current_mrr,
    cast(coalesce(current_month.arr, 0) as decimal(18, 2)) as current_arr,
    cast(coalesce(current_month.mrr_constant_currency, 0) as decimal(18, 2))
        as current_mrr_constant_currency,
    customers.first_paid_month_start,
    cast(coalesce(revenue_history.paid_months, 0) as bigint) as tenure_paid_months,
    cast(coalesce(revenue_history.churns, 0) as bigint) as churns,
    cast(coalesce(revenue_history.reactivations, 0) as bigint) as reactivations,
    case when coalesce(current_month.mrr, 0) = 0 then churn_dates.churned_at end as churned_at,
    cast(coalesce(current_month.subscribed_quantity, 0) as bigint) as licensed_seats,
    cast(round(coalesce(usage_28d.average_daily_active_users_28d, 0), 2) as decimal(18, 2))
        as average_daily_active_users_28d,
    {{ success_ratio('coalesce(usage_28d.average_daily_active_users_28d, 0)', 'current_month.subscribed_quantity', 4) }}
        as adoption_rate,
    recent.tickets as tickets_90d,
    recent.sla_breaches as sla_breaches_90d,
    recent.csat_responses as csat_responses_90d,
    recent.csat as csat_90d,
    recent.nps_responses as nps_responses_90d,
    recent.nps as nps_90d,
    latest_health.week_start as latest_health_week_start,
    latest_health.health_score as latest_health_score,
    latest_health.health_status as latest_health_status,
    latest_health.health_score_change_4w as health_score_change_4w,
    case when coalesce(current_month.mrr, 0) = 0 then pre_churn.tickets end as tickets_90d_before_churn,
    case when coalesce(current_month.mrr, 0) = 0 then pre_churn.sla_breaches end
        as sla_breaches_90d_before_churn,
    case when coalesce(current_month.mrr, 0) = 0 then pre_churn.csat end as csat_90d_before_churn,
    case when coalesce(current_month.mrr, 0) = 0 then pre_churn.nps end as nps_90d_before_churn
from customers
cross join as_of
left join revenue_history
    on customers.customer_id = revenue_history.customer_id
left join current_month
    on customers.customer_id = current_month.customer_id
left join subscriptions
    on customers.customer_id = subscriptions.customer_id
left join churn_dates
    on customers.customer_id = churn_dates.customer_id
left join usage_28d
    on customers.customer_id = usage_28d.account_id
left join signals as recent
    on customers.customer_id = recent.customer_id and recent.window_name = 'recent'
left join signals as pre_churn
    on customers.customer_id = pre_churn.customer_id and pre_churn.window_name = 'pre_churn'
left join latest_health
    on customers.customer_id = latest_health.customer_id and latest_health.recency = 1
