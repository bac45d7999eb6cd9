{#-
  The evaluation instant every running clock counts up to: the warehouse's one instant
  (int_evaluation_instant: var `as_of`, else the newest helpdesk, billing or product event
  not dated after its own load). One row. Events after it are ignored by every support
  model, so a past as_of reproduces what was known then.
-#}
select
    evaluated_at as as_of,
    evaluated_at_source as as_of_source
from {{ ref('int_evaluation_instant') }}
