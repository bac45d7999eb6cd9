-- Grain: one row per paying account × ISO week (Monday start): weeks whose month ends with the
-- account paying (fct_mrr_monthly.mrr > 0). Every input is read as it stood at the end of the
-- week (trailing windows, payments by then, contractions of months already closed), so the
-- score can be evaluated against churn that happens later. See fct_account_health_weekly.yml.
-- Weights and thresholds: the fitted model (seed health_score_model, written by
-- `python -m support_success.health_fit`), unless dbt vars health_weights / health_thresholds
-- override them.
-- depends_on: {{ ref('health_score_model') }}
{%- set weights = var('health_weights', none) %}
{%- set thresholds = var('health_thresholds', none) %}
with as_of as (
    select as_of_at, as_of_month_start from {{ ref('int_success_as_of') }}
),

parameters as (
    select
    {%- for component in ['adoption', 'support', 'relationship', 'billing'] %}
        {% if weights -%}
        max(cast({{ weights[component] }} as double))
        {%- else -%}
        max(case when parameter = 'weight_{{ component }}' then cast(value as double) end)
        {%- endif %} as weight_{{ component }},
    {%- endfor %}
    {%- for band in ['green', 'amber'] %}
        {% if thresholds -%}
        max(cast({{ thresholds[band] }} as double))
        {%- else -%}
        max(case when parameter = 'threshold_{{ band }}' then cast(value as double) end)
        {%- endif %} as threshold_{{ band }}{{ ',' if not loop.last }}
    {%- endfor %}
    from {{ ref('health_score_model') }}
),

customer_months as (
    select
        customer_id,
        month_start,
        segment,
        mrr,
        subscribed_quantity,
        movement_type_constant_currency,
        movement_type,
        first_paid_month_start
    from {{ ref('fct_mrr_monthly') }}
),

accounts as (
    select
        customers.customer_id,
        cast({{ dbt.date_trunc('week', 'least(customers.created_at, cast(paid.first_month_start as timestamp))') }} as date)
            as first_week_start
    from {{ ref('stg_billing__customers') }} as customers
    inner join (
        select customer_id, min(month_start) as first_month_start
        from customer_months
        group by customer_id
    ) as paid
        on customers.customer_id = paid.customer_id
),

weeks as (
    {{ success_week_series(
        "(select min(first_week_start) from accounts)",
        dbt.date_trunc('week', '(select as_of_at from as_of)')
    ) }}
),

grid as (
    select
        accounts.customer_id,
        weeks.week_start,
        cast({{ dbt.date_trunc('month', 'weeks.week_start') }} as date) as month_start
    from accounts
    inner join weeks
        on weeks.week_start >= accounts.first_week_start
),

contraction_events as (
    -- A contraction in month M is known once M has closed: the week holding the 1st of M+1.
    select
        customer_id,
        cast({{ dbt.date_trunc('week', dbt.dateadd('month', 1, 'month_start')) }} as date) as week_start,
        cast(count(*) as bigint) as contractions
    from customer_months
    where movement_type_constant_currency = 'contraction'
    group by 1, 2
),

seats as (
    -- Licensed seats known during month M: the snapshot at the end of M−1, or M's own
    -- snapshot in the customer's first month.
    select
        customer_months.customer_id,
        customer_months.month_start,
        customer_months.segment,
        customer_months.mrr,
        coalesce(nullif(previous.subscribed_quantity, 0), customer_months.subscribed_quantity)
            as seats
    from customer_months
    left join customer_months as previous
        on customer_months.customer_id = previous.customer_id
        and previous.month_start = cast({{ dbt.dateadd('month', -1, 'customer_months.month_start') }} as date)
),

filled as (
    select
        grid.customer_id,
        grid.week_start,
        grid.month_start,
        coalesce(usage.active_user_days, 0) as active_user_days,
        coalesce(usage.key_actions, 0) as key_actions,
        coalesce(support.tickets, 0) as tickets,
        coalesce(support.sla_events, 0) as sla_events,
        coalesce(support.sla_breaches, 0) as sla_breaches,
        coalesce(support.csat_responses, 0) as csat_responses,
        coalesce(support.csat_positive, 0) as csat_positive,
        support.latest_nps_score,
        coalesce(billing.overdue_invoices_delta, 0) as overdue_invoices_delta,
        coalesce(billing.overdue_30d_invoices_delta, 0) as overdue_30d_invoices_delta,
        coalesce(contraction_events.contractions, 0) as contractions
    from grid
    left join {{ ref('int_account_usage_weekly') }} as usage
        on grid.customer_id = usage.account_id
        and grid.week_start = usage.week_start
    left join {{ ref('int_account_support_weekly') }} as support
        on grid.customer_id = support.account_id
        and grid.week_start = support.week_start
    left join {{ ref('int_account_billing_weekly') }} as billing
        on grid.customer_id = billing.customer_id
        and grid.week_start = billing.week_start
    left join contraction_events
        on grid.customer_id = contraction_events.customer_id
        and grid.week_start = contraction_events.week_start
),

windowed as (
    select
        customer_id,
        week_start,
        month_start,
        sum(active_user_days) over last_4_weeks as active_user_days_28d,
        sum(key_actions) over last_4_weeks as key_actions_28d,
        coalesce(sum(key_actions) over previous_4_weeks, 0) as key_actions_previous_28d,
        sum(tickets) over last_13_weeks as tickets_13w,
        sum(sla_events) over last_13_weeks as sla_events_13w,
        sum(sla_breaches) over last_13_weeks as sla_breaches_13w,
        sum(csat_responses) over last_13_weeks as csat_responses_13w,
        sum(csat_positive) over last_13_weeks as csat_positive_13w,
        last_value(latest_nps_score ignore nulls) over last_52_weeks as latest_nps_score_52w,
        sum(overdue_invoices_delta) over history as overdue_invoices,
        sum(overdue_30d_invoices_delta) over history as overdue_30d_invoices,
        sum(contractions) over last_13_weeks as contractions_13w
    from filled
    window
        last_4_weeks as (partition by customer_id order by week_start rows between 3 preceding and current row),
        previous_4_weeks as (partition by customer_id order by week_start rows between 7 preceding and 4 preceding),
        last_13_weeks as (partition by customer_id order by week_start rows between 12 preceding and current row),
        last_52_weeks as (partition by customer_id order by week_start rows between 51 preceding and current row),
        history as (partition by customer_id order by week_start rows between unbounded preceding and current row)
),

paying_weeks as (
    select
        windowed.*,
        seats.segment,
        seats.mrr,
        coalesce(seats.seats, 0) as seats
    from windowed
    inner join seats
        on windowed.customer_id = seats.customer_id
        and windowed.month_start = seats.month_start
    where seats.mrr > 0
),

sub_scores as (
    select
        paying_weeks.*,
        case when seats > 0 then active_user_days_28d / 28.0 / seats end as seat_utilisation,
        case
            when seats > 0 then least(100.0, 100.0 * (active_user_days_28d / 28.0 / seats)
                / {{ var('health_target_seat_utilisation') }})
            else 0.0
        end as adoption_utilisation_score,
        case
            when key_actions_previous_28d = 0 and key_actions_28d = 0 then 0.0
            when key_actions_previous_28d = 0 then 100.0
            else greatest(0.0, least(100.0,
                50.0 + 50.0 * (cast(key_actions_28d as double) / key_actions_previous_28d - 1)))
        end as adoption_trend_score,
        case
            when seats > 0 then greatest(0.0, 100.0 * (1 - (cast(tickets_13w as double) / seats)
                / {{ var('health_max_tickets_per_seat_90d') }}))
            when tickets_13w = 0 then 100.0
            else 0.0
        end as ticket_rate_score,
        case
            when sla_events_13w = 0 then 100.0
            else 100.0 * (1 - least(1.0, cast(sla_breaches_13w as double) / sla_events_13w))
        end as sla_score,
        case
            when csat_responses_13w > 0 then 100.0 * csat_positive_13w / csat_responses_13w
        end as csat_score,
        -- No answer counts as a passive (7–8 on the NPS scale): 75.
        coalesce(latest_nps_score_52w * 10.0, 75.0) as relationship_score,
        greatest(0.0, 100.0
            - case when overdue_invoices > 0 then 50 else 0 end
            - case when overdue_30d_invoices > 0 then 20 else 0 end
            - case when contractions_13w > 0 then 30 else 0 end
        ) as billing_score
    from paying_weeks
),

components as (
    select
        sub_scores.*,
        0.7 * adoption_utilisation_score + 0.3 * adoption_trend_score as adoption_score,
        (ticket_rate_score + sla_score + coalesce(csat_score, 0))
            / (case when csat_score is null then 2 else 3 end) as support_score
    from sub_scores
),

scored as (
    select
        components.*,
        (
            p.weight_adoption * adoption_score
            + p.weight_support * support_score
            + p.weight_relationship * relationship_score
            + p.weight_billing * billing_score
        ) / (p.weight_adoption + p.weight_support + p.weight_relationship + p.weight_billing)
            as health_score_unrounded,
        p.threshold_green,
        p.threshold_amber,
        -- what pulls the score down most: the largest weighted shortfall from 100
        case greatest(
                p.weight_adoption * (100 - adoption_score),
                p.weight_support * (100 - support_score),
                p.weight_relationship * (100 - relationship_score),
                p.weight_billing * (100 - billing_score)
            )
            when 0 then cast(null as {{ dbt.type_string() }})
            when p.weight_adoption * (100 - adoption_score) then 'adoption'
            when p.weight_support * (100 - support_score) then 'support'
            when p.weight_billing * (100 - billing_score) then 'billing'
            else 'relationship'
        end as weakest_component
    from components
    cross join parameters as p
),

churns as (
    select customer_id, month_start as churn_month_start
    from customer_months
    where movement_type = 'churn'
),

labelled as (
    select
        scored.customer_id,
        scored.week_start,
        coalesce(bool_or(
            churns.churn_month_start > scored.week_start
            and churns.churn_month_start <= cast({{ dbt.dateadd('day', 90, 'scored.week_start') }} as date)
        ), false) as churns_within_90_days
    from scored
    left join churns
        on scored.customer_id = churns.customer_id
        and churns.churn_month_start > scored.week_start
    group by scored.customer_id, scored.week_start
),

final as (
    select
        scored.*,
        cast(round(health_score_unrounded, 1) as decimal(5, 1)) as health_score,
        labelled.churns_within_90_days,
        cast({{ dbt.dateadd('day', 90, 'scored.week_start') }} as date) < as_of.as_of_month_start
            as is_churn_label_observed
    from scored
    inner join labelled
        on scored.customer_id = labelled.customer_id
        and scored.week_start = labelled.week_start
    cross join as_of
)

select
    customer_id,
    week_start,
    cast(extract(isoyear from week_start) as integer) as iso_year,
    cast(extract(week from week_start) as integer) as iso_week,
    segment,
    cast(mrr as decimal(18, 2)) as mrr,
    cast(seats as bigint) as seats,
    cast(active_user_days_28d as bigint) as active_user_days_28d,
    cast(round(seat_utilisation, 4) as decimal(9, 4)) as seat_utilisation,
    cast(key_actions_28d as bigint) as key_actions_28d,
    cast(key_actions_previous_28d as bigint) as key_actions_previous_28d,
    cast(tickets_13w as bigint) as tickets_13w,
    cast(sla_events_13w as bigint) as sla_events_13w,
    cast(sla_breaches_13w as bigint) as sla_breaches_13w,
    cast(csat_responses_13w as bigint) as csat_responses_13w,
    cast(csat_positive_13w as bigint) as csat_positive_13w,
    cast(latest_nps_score_52w as integer) as latest_nps_score_52w,
    cast(overdue_invoices as bigint) as overdue_invoices,
    cast(overdue_30d_invoices as bigint) as overdue_30d_invoices,
    contractions_13w > 0 as has_recent_contraction,
    cast(round(adoption_utilisation_score, 1) as decimal(5, 1)) as adoption_utilisation_score,
    cast(round(adoption_trend_score, 1) as decimal(5, 1)) as adoption_trend_score,
    cast(round(adoption_score, 1) as decimal(5, 1)) as adoption_score,
    cast(round(ticket_rate_score, 1) as decimal(5, 1)) as ticket_rate_score,
    cast(round(sla_score, 1) as decimal(5, 1)) as sla_score,
    cast(round(csat_score, 1) as decimal(5, 1)) as csat_score,
    cast(round(support_score, 1) as decimal(5, 1)) as support_score,
    cast(round(relationship_score, 1) as decimal(5, 1)) as relationship_score,
    cast(round(billing_score, 1) as decimal(5, 1)) as billing_score,
    health_score,
    weakest_component,
    case
        when health_score >= threshold_green then 'green'
        when health_score >= threshold_amber then 'amber'
        else 'red'
    end as health_status,
    cast(health_score - lag(health_score, 4) over (partition by customer_id order by week_start)
        as decimal(5, 1)) as health_score_change_4w,
    churns_within_90_days,
    is_churn_label_observed
from final
