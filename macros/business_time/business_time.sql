{#-
  The business-time engine. Every business-minute figure of the support marts
  goes through these macros and int_support__business_calendar; nothing builds
  a per-minute or per-hour spine.

  cum(schedule, t) = business seconds of the schedule from the beginning of the
  calendar up to instant t. It is found with ONE as-of lookup: the last
  calendar interval of the schedule starting at or before t, whose
  cumulative_seconds_before is known, plus min(t − interval start, interval
  length). So

      business seconds between a and b  = cum(b) − cum(a)                (O(1))
      instant N business seconds after a = the interval where
          cumulative_seconds_before < cum(a) + N <= cumulative_seconds_before + length,
          at interval start + (cum(a) + N − cumulative_seconds_before)   (O(1))

  A NULL schedule, or a schedule with no valid interval at all, gives NULL
  (no crash, no guess). Instants after the calendar's last date are clamped to
  it: the calendar runs var support_calendar_days_after_as_of (400) days past
  the evaluation time.

  Usage inside a model (the joins go in the FROM clause):
      from pairs
      {{ business_calendar_lookup('cal_start', 'pairs.schedule_id', 'pairs.started_at') }}
      {{ business_calendar_lookup('cal_end', 'pairs.schedule_id', 'pairs.ended_at') }}
  and in the SELECT:
      {{ business_seconds_at('cal_end', 'pairs.ended_at') }}
        - {{ business_seconds_at('cal_start', 'pairs.started_at') }}
-#}

{#- Join that finds, for `instant_sql`, the last calendar interval starting at or before it. -#}
{% macro business_calendar_lookup(alias, schedule_sql, instant_sql) -%}
    {{ return(adapter.dispatch('business_calendar_lookup', 'support_success')(alias, schedule_sql, instant_sql)) }}
{%- endmacro %}

{% macro duckdb__business_calendar_lookup(alias, schedule_sql, instant_sql) -%}
    asof left join {{ ref('int_support__business_calendar') }} as {{ alias }}
        on {{ alias }}.schedule_id = {{ schedule_sql }}
        and {{ instant_sql }} >= {{ alias }}.interval_start_at
{%- endmacro %}

{% macro default__business_calendar_lookup(alias, schedule_sql, instant_sql) -%}
    left join lateral (
        select c.schedule_id, c.interval_start_at, c.interval_seconds, c.cumulative_seconds_before
        from {{ ref('int_support__business_calendar') }} as c
        where c.schedule_id = {{ schedule_sql }}
          and c.interval_start_at <= {{ instant_sql }}
        order by c.interval_start_at desc
        limit 1
    ) as {{ alias }} on true
{%- endmacro %}

{#- cum(schedule, instant) in seconds, given the lookup `alias` joined for that instant. -#}
{% macro business_seconds_at(alias, instant_sql) -%}
    (case when ({{ instant_sql }}) is not null then {{ alias }}.cumulative_seconds_before + least(
        greatest({{ dbt.datediff(alias ~ '.interval_start_at', instant_sql, 'second') }}, 0),
        {{ alias }}.interval_seconds
    ) end)
{%- endmacro %}

{#- Join that finds the interval in which the cumulative business seconds reach `target_cumulative_sql`. -#}
{% macro business_target_lookup(alias, schedule_sql, target_cumulative_sql) -%}
    {{ return(adapter.dispatch('business_target_lookup', 'support_success')(alias, schedule_sql, target_cumulative_sql)) }}
{%- endmacro %}

{% macro duckdb__business_target_lookup(alias, schedule_sql, target_cumulative_sql) -%}
    asof left join (
        select schedule_id, interval_start_at, interval_seconds, cumulative_seconds_before
        from {{ ref('int_support__business_calendar') }}
        where interval_seconds > 0
    ) as {{ alias }}
        on {{ alias }}.schedule_id = {{ schedule_sql }}
        and {{ target_cumulative_sql }} > {{ alias }}.cumulative_seconds_before
{%- endmacro %}

{% macro default__business_target_lookup(alias, schedule_sql, target_cumulative_sql) -%}
    left join lateral (
        select c.schedule_id, c.interval_start_at, c.interval_seconds, c.cumulative_seconds_before
        from {{ ref('int_support__business_calendar') }} as c
        where c.schedule_id = {{ schedule_sql }}
          and c.interval_seconds > 0
          and c.cumulative_seconds_before < {{ target_cumulative_sql }}
        order by c.cumulative_seconds_before desc
        limit 1
    ) as {{ alias }} on true
{%- endmacro %}

{#- The instant at which the schedule's cumulative business seconds reach the target (NULL past the calendar). -#}
{% macro business_instant_at(alias, target_cumulative_sql) -%}
    case
        when {{ target_cumulative_sql }} <= {{ alias }}.cumulative_seconds_before + {{ alias }}.interval_seconds
        then {{ dbt.dateadd('second', '(' ~ target_cumulative_sql ~ ' - ' ~ alias ~ '.cumulative_seconds_before)', alias ~ '.interval_start_at') }}
    end
{%- endmacro %}
