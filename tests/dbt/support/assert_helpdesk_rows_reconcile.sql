{#- Every landed helpdesk row is staged or quarantined, exactly once. -#}
{{ raw_rows_reconcile([
    ('raw_helpdesk', 'tickets', 'helpdesk'),
    ('raw_helpdesk', 'ticket_comments', 'helpdesk'),
    ('raw_helpdesk', 'ticket_field_history', 'helpdesk'),
    ('raw_helpdesk', 'users', 'helpdesk'),
    ('raw_helpdesk', 'groups', 'helpdesk'),
    ('raw_helpdesk', 'schedules', 'helpdesk'),
    ('raw_helpdesk', 'schedule_holidays', 'helpdesk'),
    ('raw_helpdesk', 'sla_policies', 'helpdesk'),
    ('raw_helpdesk', 'satisfaction_responses', 'helpdesk'),
]) }}
