{#-
  The MRR bridge reconciles to the cent, every month, every segment, both currencies:
  opening + new + reactivation + expansion − contraction − churn + fx = closing, and each month's
  opening equals the previous month's closing. Returns the rows that do not.
-#}
with bridge as (
    select
        month_start,
        segment,
        mrr_opening,
        mrr_new,
        mrr_reactivation,
        mrr_expansion,
        mrr_contraction,
        mrr_churn,
        mrr_fx,
        mrr_closing,
        lag(mrr_closing) over (partition by segment order by month_start) as previous_closing,
        mrr_opening_constant_currency,
        mrr_new_constant_currency,
        mrr_reactivation_constant_currency,
        mrr_expansion_constant_currency,
        mrr_contraction_constant_currency,
        mrr_churn_constant_currency,
        mrr_fx_constant_currency,
        mrr_closing_constant_currency,
        lag(mrr_closing_constant_currency) over (partition by segment order by month_start)
            as previous_closing_constant_currency
    from {{ ref('agg_retention_monthly') }}
)

select *
from bridge
where mrr_opening + mrr_new + mrr_reactivation + mrr_expansion - mrr_contraction - mrr_churn
        + mrr_fx <> mrr_closing
    or mrr_opening_constant_currency + mrr_new_constant_currency
        + mrr_reactivation_constant_currency + mrr_expansion_constant_currency
        - mrr_contraction_constant_currency - mrr_churn_constant_currency
        + mrr_fx_constant_currency <> mrr_closing_constant_currency
    or mrr_fx_constant_currency <> 0
    or mrr_opening <> coalesce(previous_closing, 0)
    or mrr_opening_constant_currency <> coalesce(previous_closing_constant_currency, 0)
