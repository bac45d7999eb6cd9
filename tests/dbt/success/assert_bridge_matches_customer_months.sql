{#-
  The monthly bridge is the sum of the customer-month facts: closing MRR of segment 'all'
  equals the sum of fct_mrr_monthly.mrr for the month, in both currencies, and every
  customer-month moves by exactly its movement: previous_mrr + movement_amount = mrr.
  Returns the months or customer-months that disagree.
-#}
with fact_totals as (
    select
        month_start,
        sum(mrr) as mrr,
        sum(mrr_constant_currency) as mrr_constant_currency
    from {{ ref('fct_mrr_monthly') }}
    group by month_start
),

month_mismatches as (
    select
        'month' as level,
        agg.month_start,
        cast(null as varchar) as customer_id
    from {{ ref('agg_retention_monthly') }} as agg
    left join fact_totals
        on agg.month_start = fact_totals.month_start
    where agg.segment = 'all'
        and (
            agg.mrr_closing <> coalesce(fact_totals.mrr, 0)
            or agg.mrr_closing_constant_currency <> coalesce(fact_totals.mrr_constant_currency, 0)
        )
),

customer_mismatches as (
    select
        'customer_month' as level,
        month_start,
        customer_id
    from {{ ref('fct_mrr_monthly') }}
    where previous_mrr + movement_amount + fx_amount <> mrr
        or previous_mrr_constant_currency + movement_amount_constant_currency
            <> mrr_constant_currency
        or (movement_type = 'churn') <> (previous_mrr > 0 and mrr = 0)
        or (movement_type in ('new', 'reactivation')) <> (previous_mrr = 0 and mrr > 0)
)

select level, month_start, customer_id from month_mismatches
union all
select level, month_start, customer_id from customer_mismatches
