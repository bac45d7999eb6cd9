{#-
  Incremental refresh of the support pipeline (docs/incremental.md).

  An incremental run recomputes, per ticket, everything of the tickets in
  int_support__affected_tickets and keeps the rows of every other ticket; the
  daily aggregates recompute the days from int_support__incremental_scope.
  earliest_affected_day on. When int_support__incremental_scope says
  recompute_all (no previous state, reference data changed, ...), every
  incremental model deletes all its rows and inserts them again: the result is
  a full rebuild done through the incremental path.

  Models call `support_incremental_scope(is_incremental())` in their body, so a
  unit test's `overrides: macros: is_incremental: false` applies (an override
  only reaches macros the model calls directly), and pass the scope on.
  Hooks call it too; hooks never run in unit tests.
-#}

{#- The raw helpdesk tables whose `_loaded_at` the load window watches. -#}
{% macro support_incremental_raw_tables() -%}
    {{ return(['tickets', 'ticket_comments', 'ticket_field_history', 'satisfaction_responses', 'users',
               'groups', 'schedules', 'schedule_holidays', 'sla_policies']) }}
{%- endmacro %}

{#- Reference tables: any new landing in them makes the run recompute everything. -#}
{% macro support_incremental_reference_tables() -%}
    {{ return(['groups', 'schedules', 'schedule_holidays', 'sla_policies']) }}
{%- endmacro %}

{#- Lookback in hours subtracted from each table's previous high-water mark (var incremental_lookback_hours). -#}
{% macro support_incremental_lookback_hours() -%}
    {{ return(var('incremental_lookback_hours', 72) | int) }}
{%- endmacro %}

{#-
  The existing relation of another model of the project, found by name in the
  schema of `this` (no ref: these are the previous run's results, read before
  this run rebuilds them, and a ref would make a cycle). None when absent.
-#}
{% macro support_previous_relation(identifier, schema=none) -%}
    {%- if not execute -%}{{ return(none) }}{%- endif -%}
    {{ return(adapter.get_relation(database=this.database, schema=schema or this.schema, identifier=identifier)) }}
{%- endmacro %}

{#-
  The per-table load window of this run, as a dict table -> window_start text
  ('' when the table is reprocessed whole). Read from int_support__incremental_window.
-#}
{% macro support_load_window(incremental) -%}
    {%- set window = {'incremental': false, 'starts': {}} -%}
    {%- if incremental and execute -%}
        {%- set rows = run_query(
            "select raw_table, cast(window_start as varchar) as window_start, recompute_reason from "
            ~ ref('int_support__incremental_window')) -%}
        {%- set starts = {} -%}
        {%- set reasons = {} -%}
        {%- for row in rows -%}
            {%- do starts.update({row[0]: row[1]}) -%}
            {%- do reasons.update({row[0]: row[2]}) -%}
        {%- endfor -%}
        {%- do window.update({'incremental': true, 'starts': starts, 'reasons': reasons}) -%}
    {%- endif -%}
    {{ return(window) }}
{%- endmacro %}

{#- SQL condition: `loaded_at_sql` is inside the load window of `raw_table` (false when none is known). -#}
{% macro support_in_load_window(window, raw_table, loaded_at_sql) -%}
    {%- set start = window.starts.get(raw_table) -%}
    {%- if start -%}
        {{ loaded_at_sql }} >= cast('{{ start }}' as timestamp)
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}

{#-
  The scope of this run for the per-ticket models, as a dict:
  incremental (false: build everything, the plain SQL), recompute_all,
  earliest_affected_day ('YYYY-MM-DD' or none) and reason.
-#}
{% macro support_incremental_scope(incremental) -%}
    {%- set scope = {'incremental': false, 'recompute_all': true, 'earliest_affected_day': none, 'reason': 'full build'} -%}
    {%- if incremental and execute -%}
        {%- set row = run_query(
            "select recompute_all, cast(earliest_affected_day as varchar), recompute_reason from "
            ~ ref('int_support__incremental_scope')).rows[0] -%}
        {%- do scope.update({'incremental': true, 'recompute_all': row[0], 'earliest_affected_day': row[1], 'reason': row[2]}) -%}
    {%- endif -%}
    {{ return(scope) }}
{%- endmacro %}

{#- SQL condition: the ticket `ticket_id_sql` is recomputed by this run. -#}
{% macro support_ticket_in_scope(scope, ticket_id_sql) -%}
    {%- if scope.incremental and not scope.recompute_all -%}
        {{ ticket_id_sql }} in (select ticket_id from {{ ref('int_support__affected_tickets') }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- SQL condition: the UTC day `day_sql` is recomputed by this run (daily aggregates). -#}
{% macro support_day_in_scope(scope, day_sql) -%}
    {%- if scope.incremental and not scope.recompute_all and scope.earliest_affected_day -%}
        {{ day_sql }} >= cast('{{ scope.earliest_affected_day }}' as date)
    {%- elif scope.incremental and not scope.recompute_all -%}
        false
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#-
  Pre-hook of the per-ticket incremental models: delete the rows of every
  ticket this run recomputes (all rows when it recomputes everything). The
  model then appends the recomputed rows, in the same transaction. Deleting
  by the affected set rather than by the keys of the new rows (plain
  delete+insert) also removes tickets that left the scope (deleted, merged).
-#}
{% macro support_delete_affected_tickets(key_column='ticket_id') -%}
    {%- set scope = support_incremental_scope(is_incremental()) -%}
    {%- if not scope.incremental -%}
        select 1
    {%- elif scope.recompute_all -%}
        delete from {{ this }}
    {%- else -%}
        delete from {{ this }} where {{ support_ticket_in_scope(scope, key_column) }}
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook of the daily aggregates: delete the days this run recomputes. -#}
{% macro support_delete_affected_days(day_column='day') -%}
    {%- set scope = support_incremental_scope(is_incremental()) -%}
    {%- if not scope.incremental -%}
        select 1
    {%- else -%}
        delete from {{ this }} where {{ support_day_in_scope(scope, day_column) }}
    {%- endif -%}
{%- endmacro %}

{#-
  Post-hook of the marts that publish the evaluation instant on every row:
  the rows of tickets this run did not recompute carry the previous as_of.
  Their values are final (solved or closed, no clock running), so only the
  column moves.
-#}
{% macro support_refresh_evaluated_at() -%}
    {%- if is_incremental() -%}
        update {{ this }}
        set evaluated_at = (select as_of from {{ ref('int_support__evaluation_time') }})
        where evaluated_at is distinct from (select as_of from {{ ref('int_support__evaluation_time') }})
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{#- SQL scalar: the window start of `raw_table` in this run (NULL: nothing is in the window). -#}
{% macro support_window_start(raw_table) -%}
    (select window_start from {{ ref('int_support__incremental_window') }} where raw_table = '{{ raw_table }}')
{%- endmacro %}

{#-
  Post-hook of int_support__ticket_status_spans: the last span of a ticket
  (valid_until NULL) counts up to the evaluation time. Tickets this run did
  not recompute keep their spans; only their last span's end moves to the new
  evaluation time: calendar seconds from its start, business seconds as
  cum(as_of) − business_cumulative_at_start (one calendar lookup per schedule).
-#}
{% macro support_refresh_open_status_spans() -%}
    {%- if is_incremental() -%}
        update {{ this }} as spans
        set
            ended_at = refreshed.as_of,
            calendar_seconds = cast({{ dbt.datediff('spans.started_at', 'refreshed.as_of', 'second') }} as bigint),
            business_seconds = cast(refreshed.cumulative_at_as_of - spans.business_cumulative_at_start as bigint)
        from (
            select
                schedules.schedule_id,
                evaluation.as_of,
                {{ business_seconds_at('cal_as_of', 'evaluation.as_of') }} as cumulative_at_as_of
            from (select distinct schedule_id from {{ this }} where valid_until is null) as schedules
            cross join {{ ref('int_support__evaluation_time') }} as evaluation
            {{ business_calendar_lookup('cal_as_of', 'schedules.schedule_id', 'evaluation.as_of') }}
        ) as refreshed
        where spans.valid_until is null
            and spans.schedule_id is not distinct from refreshed.schedule_id
            and spans.ended_at is distinct from refreshed.as_of
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{#-
  Declares the incremental bookkeeping models as dependencies (so they are
  built first) at parse time only. Rendering the refs later would make every
  unit test of the model need a fixture for them; unit tests run the full-build
  logic (is_incremental overridden to false), which never reads them.
-#}
{% macro support_incremental_depends_on(model_names) -%}
    {%- if not execute -%}
        {%- for model_name in model_names %}
-- depends_on: {{ ref(model_name) }}
        {%- endfor %}
    {%- endif -%}
{%- endmacro %}

{#-
  Sum of a minutes column, independent of the order rows are added in: the
  minutes are whole seconds / 60, so the seconds are summed as integers and
  divided once. A plain sum of doubles can differ in its last bit between two
  runs (DuckDB adds in parallel, in no fixed order), and an incremental run
  must reproduce a full build exactly.
-#}
{% macro support_minutes_sum(minutes_sql) -%}
    cast(sum(cast(round({{ minutes_sql }} * 60) as bigint)) as double) / 60.0
{%- endmacro %}
