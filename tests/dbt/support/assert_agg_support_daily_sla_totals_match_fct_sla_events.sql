{#-
  Every SLA metric's outcomes in agg_support_daily add up to fct_sla_events: per metric, the
  achieved and measured (achieved + breached + running_breached) counts summed over all days
  equal the event rows. A day where only one metric has an outcome must not be dropped
  (it was, for the update metrics, while the "any activity" filter listed three metrics).
  Returns one row per metric that differs.
-#}
{%- set metrics = support_sla_metrics() %}
with daily as (
    {%- for metric in metrics %}
    select
        '{{ metric }}' as metric,
        sum(sla_{{ metric }}_achieved) as achieved,
        sum(sla_{{ metric }}_measured) as measured
    from {{ ref('agg_support_daily') }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

events as (
    select
        metric,
        sum(case when sla_status = 'achieved' then 1 else 0 end) as achieved,
        sum(case when sla_status in ('achieved', 'breached', 'running_breached') then 1 else 0 end) as measured
    from {{ ref('fct_sla_events') }}
    group by metric
)

select
    daily.metric,
    daily.achieved as daily_achieved,
    events.achieved as event_achieved,
    daily.measured as daily_measured,
    events.measured as event_measured
from daily
left join events on events.metric = daily.metric
where coalesce(daily.achieved, 0) <> coalesce(events.achieved, 0)
    or coalesce(daily.measured, 0) <> coalesce(events.measured, 0)
