-- One row: the instant the success marts are evaluated at and the month it falls in, the
-- last month of every monthly mart. It is the warehouse's one evaluation instant
-- (int_evaluation_instant: var `as_of`, else the newest helpdesk, billing or product event
-- not dated after its own load), so support and success agree.
select
    evaluated_at as as_of_at,
    cast({{ dbt.date_trunc('month', 'evaluated_at') }} as date) as as_of_month_start
from {{ ref('int_evaluation_instant') }}
