-- Grain: one row per raw table × disposition: how many landed rows were staged, superseded by
-- a re-sync, or quarantined with which reason (docs/rows.md). Counts only, no row contents,
-- so it can be published beside the marts for BI ("how clean is our data?").
{%- set audits = [
    'audit_helpdesk__tickets', 'audit_helpdesk__ticket_comments',
    'audit_helpdesk__ticket_field_history', 'audit_helpdesk__users', 'audit_helpdesk__groups',
    'audit_helpdesk__schedules', 'audit_helpdesk__schedule_holidays',
    'audit_helpdesk__sla_policies', 'audit_helpdesk__satisfaction_responses',
    'audit_billing__customers', 'audit_billing__plans', 'audit_billing__subscriptions',
    'audit_billing__subscription_items', 'audit_billing__invoices', 'audit_billing__refunds',
    'audit_billing__exchange_rates', 'audit_product__daily_usage',
] %}
with dispositions as (
    {%- for audit in audits %}
    select
        '{{ audit.split('__')[0] | replace('audit_', 'raw_') }}' as raw_schema,
        '{{ audit.split('__')[1] }}' as raw_table,
        quarantine_reason
    from {{ ref(audit) }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select
    raw_schema,
    raw_table,
    case
        when quarantine_reason is null then 'staged'
        when quarantine_reason = 'duplicate_resync' then 'superseded'
        else 'quarantined'
    end as disposition,
    coalesce(quarantine_reason, 'none') as reason,
    cast(count(*) as bigint) as row_count
from dispositions
group by 1, 2, 3, 4
