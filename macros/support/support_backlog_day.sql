{#-
  The first UTC day D whose end-of-day instant (D 23:59:59) is at or after
  `instant_sql`: a status span starting at the instant is in the backlog
  snapshot of D; a span ending at the instant is no longer in it.
  Example: 2024-03-11 23:59:59 -> 2024-03-11; 2024-03-11 23:59:59.5 -> 2024-03-12.
-#}
{% macro support_backlog_day(instant_sql) -%}
    case
        when {{ instant_sql }} <= {{ dbt.dateadd('second', 86399, 'cast(cast(' ~ instant_sql ~ ' as date) as timestamp)') }}
        then cast({{ instant_sql }} as date)
        else cast({{ dbt.dateadd('day', 1, 'cast(cast(' ~ instant_sql ~ ' as date) as timestamp)') }} as date)
    end
{%- endmacro %}
