{#-
  The SLA metrics (raw contract, sla_policies.metric; shared/spec/metrics.md, "SLA events"),
  in their reporting order: every per-metric column list loops over this one list.
  Python's twin: support_success.contract.SLA_METRICS.
-#}
{% macro support_sla_metrics() -%}
    {{ return(['first_response', 'next_response', 'resolution', 'agent_work', 'periodic_update', 'pausable_update']) }}
{%- endmacro %}
