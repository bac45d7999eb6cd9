{#-
  NRR ≥ GRR for every month, segment, base (M−1, M−12) and currency: GRR caps each base
  customer's MRR at its base value, so it can never exceed NRR. Returns the rows where it does.
-#}
select month_start, segment
from {{ ref('agg_retention_monthly') }}
where nrr_1m < grr_1m
    or nrr_12m < grr_12m
    or nrr_1m_constant_currency < grr_1m_constant_currency
    or nrr_12m_constant_currency < grr_12m_constant_currency
