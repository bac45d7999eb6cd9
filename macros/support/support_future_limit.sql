{#-
  The latest instant an event can have: the wall clock of this build plus var
  `future_tolerance_hours` (default 24, for clocks that run ahead and time zones written
  wrongly). An event after it is impossible whatever its `_loaded_at` claims (an event dated
  2099 landed with a `_loaded_at` of 2099): quarantined as `after_load_time`, and never the
  evaluation instant.
-#}
{% macro support_future_limit() -%}
    {{ dbt.dateadd('hour', var('future_tolerance_hours', 24), 'cast(' ~ dbt.current_timestamp() ~ ' as timestamp)') }}
{%- endmacro %}
