{#-
  Every customer-month of the success marts has exactly one movement type: one fct_mrr_monthly
  row per customer and month from the customer's first paid month to the as-of month (no gaps,
  no duplicates), each with one of the six movement types. Returns the offending customers.
-#}
with per_customer as (
    select
        customer_id,
        count(*) as rows_,
        count(distinct month_start) as months,
        min(month_start) as first_month,
        max(month_start) as last_month,
        count(case when movement_type in
            ('new', 'reactivation', 'expansion', 'contraction', 'churn', 'unchanged') then 1 end)
            as typed_rows,
        count(case when movement_type = 'new' then 1 end) as new_rows
    from {{ ref('fct_mrr_monthly') }}
    group by customer_id
),

last_month as (
    select max(month_start) as month_start from {{ ref('int_success_months') }}
)

select per_customer.*
from per_customer
cross join last_month
where per_customer.rows_ <> per_customer.months
    or per_customer.typed_rows <> per_customer.rows_
    or per_customer.last_month <> last_month.month_start
    or per_customer.months <> {{ dbt.datediff('per_customer.first_month', 'per_customer.last_month', 'month') }} + 1
    or per_customer.new_rows > 1
