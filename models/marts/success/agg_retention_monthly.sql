-- Grain: one row per month × segment ('all' = every customer), with the MRR bridge in
-- reporting and constant currency (FX moves apart in `mrr_fx`, 0 in constant currency), retention against base months M−1 and M−12, churn
-- rates, quick ratio, ARPA, LTV and win-back. Each ratio keeps its numerator and
-- denominator so it re-aggregates; every ratio is NULL when its denominator is 0.
{%- set bases = [('1m', 1), ('12m', 12)] %}
{%- set bases_currency = [('', ''), ('_constant_currency', '_constant_currency')] %}
with customer_months as (
    select
        customer_id,
        month_start,
        segment,
        mrr,
        previous_mrr,
        movement_type,
        movement_amount,
        fx_amount,
        mrr_constant_currency,
        previous_mrr_constant_currency,
        movement_type_constant_currency,
        movement_amount_constant_currency,
        fx_amount_constant_currency,
        months_since_churn
    from {{ ref('fct_mrr_monthly') }}
),

year_ago as (
    select
        customer_id,
        cast({{ dbt.dateadd('month', 12, 'month_start') }} as date) as month_start,
        mrr as mrr_base_12m,
        mrr_constant_currency as mrr_constant_currency_base_12m
    from customer_months
),

with_bases as (
    select
        customer_months.*,
        customer_months.previous_mrr as mrr_base_1m,
        customer_months.previous_mrr_constant_currency as mrr_constant_currency_base_1m,
        coalesce(year_ago.mrr_base_12m, 0) as mrr_base_12m,
        coalesce(year_ago.mrr_constant_currency_base_12m, 0) as mrr_constant_currency_base_12m
    from customer_months
    left join year_ago
        on customer_months.customer_id = year_ago.customer_id
        and customer_months.month_start = year_ago.month_start
),

segmented as (
    select 'all' as segment_key, with_bases.* from with_bases
    union all
    select segment as segment_key, with_bases.* from with_bases
),

grid as (
    select months.month_start, segments.segment
    from {{ ref('int_success_months') }} as months
    cross join (
        select 'all' as segment
        union
        select distinct segment from customer_months
    ) as segments
),

aggregated as (
    select
        segment_key as segment,
        month_start,
        cast(count(case when previous_mrr > 0 then 1 end) as bigint) as customers_opening,
        cast(count(case when movement_type = 'new' then 1 end) as bigint) as customers_new,
        cast(count(case when movement_type = 'reactivation' then 1 end) as bigint) as customers_reactivated,
        cast(count(case when movement_type = 'expansion' then 1 end) as bigint) as customers_expanded,
        cast(count(case when movement_type = 'contraction' then 1 end) as bigint) as customers_contracted,
        cast(count(case when movement_type = 'churn' then 1 end) as bigint) as customers_churned,
        cast(count(case when mrr > 0 then 1 end) as bigint) as customers_closing,
        {%- for suffix, _ in bases_currency %}
        sum(previous_mrr{{ suffix }}) as mrr_opening{{ suffix }},
        sum(case when movement_type{{ suffix }} = 'new' then movement_amount{{ suffix }} else 0 end) as mrr_new{{ suffix }},
        sum(case when movement_type{{ suffix }} = 'reactivation' then movement_amount{{ suffix }} else 0 end) as mrr_reactivation{{ suffix }},
        sum(case when movement_type{{ suffix }} = 'expansion' then movement_amount{{ suffix }} else 0 end) as mrr_expansion{{ suffix }},
        sum(case when movement_type{{ suffix }} = 'contraction' then -movement_amount{{ suffix }} else 0 end) as mrr_contraction{{ suffix }},
        sum(case when movement_type{{ suffix }} = 'churn' then -movement_amount{{ suffix }} else 0 end) as mrr_churn{{ suffix }},
        sum(fx_amount{{ suffix }}) as mrr_fx{{ suffix }},
        sum(mrr{{ suffix }}) as mrr_closing{{ suffix }},
        {%- for base, _ in bases %}
        sum(case when mrr{{ suffix }}_base_{{ base }} > 0 then mrr{{ suffix }}_base_{{ base }} else 0 end) as base_mrr_{{ base }}{{ suffix }},
        sum(case when mrr{{ suffix }}_base_{{ base }} > 0 then mrr{{ suffix }} else 0 end) as base_mrr_now_{{ base }}{{ suffix }},
        sum(case when mrr{{ suffix }}_base_{{ base }} > 0 then least(mrr{{ suffix }}, mrr{{ suffix }}_base_{{ base }}) else 0 end) as base_mrr_capped_{{ base }}{{ suffix }},
        {%- endfor %}
        {%- endfor %}
        {%- for base, _ in bases %}
        cast(count(case when mrr_base_{{ base }} > 0 then 1 end) as bigint) as base_customers_{{ base }},
        cast(count(case when mrr_base_{{ base }} > 0 and mrr > 0 then 1 end) as bigint) as base_customers_retained_{{ base }},
        {%- endfor %}
        cast(sum(case when movement_type = 'reactivation' then months_since_churn end) as bigint)
            as reactivation_months_since_churn_total
    from segmented
    group by segment_key, month_start
),

filled as (
    select
        grid.month_start,
        grid.segment,
        {%- for column in ['customers_opening', 'customers_new', 'customers_reactivated', 'customers_expanded', 'customers_contracted', 'customers_churned', 'customers_closing', 'base_customers_1m', 'base_customers_retained_1m', 'base_customers_12m', 'base_customers_retained_12m', 'reactivation_months_since_churn_total'] %}
        cast(coalesce(aggregated.{{ column }}, 0) as bigint) as {{ column }},
        {%- endfor %}
        {%- for suffix, _ in bases_currency %}
        {%- for column in ['mrr_opening', 'mrr_new', 'mrr_reactivation', 'mrr_expansion', 'mrr_contraction', 'mrr_churn', 'mrr_fx', 'mrr_closing', 'base_mrr_1m', 'base_mrr_now_1m', 'base_mrr_capped_1m', 'base_mrr_12m', 'base_mrr_now_12m', 'base_mrr_capped_12m'] %}
        cast(coalesce(aggregated.{{ column }}{{ suffix }}, 0) as decimal(18, 2)) as {{ column }}{{ suffix }},
        {%- endfor %}
        {%- endfor %}
        {{ success_ratio('aggregated.customers_churned', 'aggregated.customers_opening') }} as logo_churn_rate
    from grid
    left join aggregated
        on grid.month_start = aggregated.month_start
        and grid.segment = aggregated.segment
),

with_trailing as (
    select
        filled.*,
        avg(logo_churn_rate) over (
            partition by segment order by month_start rows between 11 preceding and current row
        ) as average_logo_churn_rate_12m
    from filled
)

select
    month_start,
    segment,
    '{{ var("reporting_currency") }}' as reporting_currency,
    customers_opening,
    customers_new,
    customers_reactivated,
    customers_expanded,
    customers_contracted,
    customers_churned,
    customers_closing,
    {%- for suffix, _ in bases_currency %}
    mrr_opening{{ suffix }},
    mrr_new{{ suffix }},
    mrr_reactivation{{ suffix }},
    mrr_expansion{{ suffix }},
    mrr_contraction{{ suffix }},
    mrr_churn{{ suffix }},
    mrr_fx{{ suffix }},
    mrr_closing{{ suffix }},
    {%- endfor %}
    {%- for base, _ in bases %}
    base_customers_{{ base }},
    base_customers_retained_{{ base }},
    {{ success_ratio('base_customers_retained_' ~ base, 'base_customers_' ~ base) }} as logo_retention_{{ base }},
    {%- for suffix, _ in bases_currency %}
    base_mrr_{{ base }}{{ suffix }},
    base_mrr_now_{{ base }}{{ suffix }},
    base_mrr_capped_{{ base }}{{ suffix }},
    {{ success_ratio('base_mrr_now_' ~ base ~ suffix, 'base_mrr_' ~ base ~ suffix) }} as nrr_{{ base }}{{ suffix }},
    {{ success_ratio('base_mrr_capped_' ~ base ~ suffix, 'base_mrr_' ~ base ~ suffix) }} as grr_{{ base }}{{ suffix }},
    {%- endfor %}
    {%- endfor %}
    logo_churn_rate,
    {%- for suffix, _ in bases_currency %}
    {{ success_ratio('mrr_churn' ~ suffix, 'mrr_opening' ~ suffix) }} as revenue_churn_rate{{ suffix }},
    {{ success_ratio('mrr_new' ~ suffix ~ ' + mrr_reactivation' ~ suffix ~ ' + mrr_expansion' ~ suffix,
                     'mrr_contraction' ~ suffix ~ ' + mrr_churn' ~ suffix) }} as quick_ratio{{ suffix }},
    {{ success_ratio('mrr_closing' ~ suffix, 'customers_closing', 2) }} as arpa{{ suffix }},
    {%- endfor %}
    cast(round(average_logo_churn_rate_12m, 6) as decimal(18, 6)) as average_logo_churn_rate_12m,
    {%- for suffix, _ in bases_currency %}
    {{ success_ratio('mrr_closing' ~ suffix ~ ' * ' ~ var('gross_margin'),
                     'customers_closing * average_logo_churn_rate_12m', 2) }} as ltv{{ suffix }},
    {%- endfor %}
    {{ success_ratio('reactivation_months_since_churn_total', 'customers_reactivated', 2) }}
        as average_months_since_churn_of_reactivated
from with_trailing
